{{/*
What the chart knows of each component and does not let values change: its ports, the stores
it keeps data in, and whom it calls. `calls` is the architecture's list of paths inside the
system; the NetworkPolicies allow these and nothing else.
*/}}
{{- define "roomkey.components" -}}
gateway:
  ports: { http: 3000 }
  calls: [auth, qr, face, access, audit]
  kafka: true
auth:
  ports: { http: 3001 }
  mongo: true
  kafka: true
qr:
  ports: { http: 3002 }
  mongo: true
  kafka: true
  calls: [auth]
face:
  ports: { http: 3003 }
  postgres: roomkey_face
  kafka: true
  calls: [auth]
access:
  ports: { http: 3004 }
  postgres: roomkey_access
  mqtt: true
  kafka: true
  calls: [auth]
audit:
  ports: { http: 3005 }
  postgres: roomkey_audit
  kafka: true
  calls: [auth]
web:
  ports: { admin: 3100, kiosk: 3101 }
  calls: [gateway]
{{- end -}}

{{- define "roomkey.name" -}}
{{- printf "%s-%s" .root.Release.Name .name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "roomkey.selectorLabels" -}}
app.kubernetes.io/name: roomkey
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .name }}
{{- end -}}

{{- define "roomkey.labels" -}}
{{ include "roomkey.selectorLabels" . }}
app.kubernetes.io/part-of: roomkey
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- end -}}

{{- define "roomkey.image" -}}
{{- $i := .root.Values.image -}}
{{- $repo := printf "%s%s" $i.prefix .name -}}
{{- if $i.registry }}{{ $repo = printf "%s/%s" (trimSuffix "/" $i.registry) $repo }}{{ end -}}
{{- printf "%s:%s" $repo (default .root.Chart.AppVersion $i.tag) -}}
{{- end -}}

{{/* The generated view of libs/contracts (scripts/helm/generate.ts). */}}
{{- define "roomkey.contracts" -}}
{{- .Files.Get "files/contracts.json" -}}
{{- end -}}

{{- define "roomkey.kafkaBootstrap" -}}
{{- if .Values.strimzi.enabled -}}
{{- /* In full: KEDA's scalers resolve it from their own namespace. */ -}}
{{- printf "%s-kafka-bootstrap.%s.svc:%d" .Values.strimzi.name .Release.Namespace (ternary 9093 9092 .Values.kafka.tls.enabled | int) -}}
{{- else -}}
{{- required "kafka.bootstrapServers is required when strimzi.enabled is false" .Values.kafka.bootstrapServers -}}
{{- end -}}
{{- end -}}

{{- define "roomkey.kafkaCaSecret" -}}
{{- default (printf "%s-cluster-ca-cert" .Values.strimzi.name) .Values.kafka.tls.caSecret -}}
{{- end -}}

{{- define "roomkey.postgresHost" -}}
{{- if .Values.postgresql.cloudnativepg.enabled -}}
{{- printf "%s-rw:5432" .Values.postgresql.cloudnativepg.name -}}
{{- else -}}
{{- printf "%s:%d" (required "postgresql.host is required when postgresql.cloudnativepg.enabled is false" .Values.postgresql.host) (.Values.postgresql.port | int) -}}
{{- end -}}
{{- end -}}

{{- define "roomkey.postgresCaSecret" -}}
{{- default (printf "%s-ca" .Values.postgresql.cloudnativepg.name) .Values.postgresql.tls.caSecret -}}
{{- end -}}

{{/* The broker's one port: 8883 with TLS, 1883 without. */}}
{{- define "roomkey.mqttPort" -}}
{{- ternary 8883 1883 .Values.mosquitto.tls.enabled -}}
{{- end -}}

{{- define "roomkey.mqttCaSecret" -}}
{{- $t := .Values.mosquitto.tls -}}
{{- default $t.existingSecret $t.caSecret | required "mosquitto.tls.existingSecret (or caSecret) is required with TLS" -}}
{{- end -}}

{{- define "roomkey.mqttUrl" -}}
{{- if .Values.mosquitto.enabled -}}
{{- printf "%s://%s:%s" (ternary "mqtts" "mqtt" .Values.mosquitto.tls.enabled) (include "roomkey.name" (dict "root" . "name" "mosquitto")) (include "roomkey.mqttPort" .) -}}
{{- else -}}
{{- required "mosquitto.url is required when mosquitto.enabled is false" .Values.mosquitto.url -}}
{{- end -}}
{{- end -}}

{{/* The restricted pod security context every pod of the chart runs with. */}}
{{- define "roomkey.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .uid | default 1000 }}
runAsGroup: {{ .uid | default 1000 }}
fsGroup: {{ .uid | default 1000 }}
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "roomkey.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
capabilities:
  drop: [ALL]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/*
kube-score's checks the chart declines, each for its reason (the argument adds checks):
- container-security-context-user-group-id (always): the images run as uid 1000, the Node base
  image's user (deploy/Dockerfile; Mosquitto's image: 1883), not root; kube-score wants 10000
  or more.
- pod-probes-identical (the web clients, Mosquitto): their servers have one health check, a
  page that answers or a port that takes connections; alive and ready are the same there.
*/}}
{{- define "roomkey.scoreAnnotations" -}}
kube-score/ignore: {{ concat (list "container-security-context-user-group-id") . | join "," }}
{{- end -}}


{{/*
DATABASE_URL (the role, named as its default database, on the server) and DATABASE_PASSWORD from
the role's basic-auth Secret: the app joins them, so nothing depends on `$(VAR)` expansion
(which podman kube play does not do).
*/}}
{{- define "roomkey.postgresEnv" -}}
{{- $pg := .root.Values.postgresql -}}
{{- $query := "sslmode=disable" -}}
{{- if $pg.tls.enabled -}}
{{- $query = printf "sslmode=verify-full&sslrootcert=/etc/roomkey/postgres-ca/%s" $pg.tls.caKey -}}
{{- end -}}
- name: DATABASE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ required (printf "apps.%s.database.existingSecret is required" .name) .v.database.existingSecret }}
      key: password
- name: DATABASE_URL
  value: postgres://{{ .db }}@{{ include "roomkey.postgresHost" .root }}/{{ .v.database.name | default .db }}?{{ $query }}
{{- end -}}

{{/* The CAs the apps check their servers' certificates against, as files. */}}
{{- define "roomkey.caMounts" -}}
{{- if .root.Values.kafka.tls.enabled }}
- { name: kafka-ca, mountPath: /etc/roomkey/kafka-ca, readOnly: true }
{{- end }}
{{- if and .pg .root.Values.postgresql.tls.enabled }}
- { name: postgres-ca, mountPath: /etc/roomkey/postgres-ca, readOnly: true }
{{- end }}
{{- if and .mqtt .root.Values.mosquitto.tls.enabled }}
- { name: mqtt-ca, mountPath: /etc/roomkey/mqtt-ca, readOnly: true }
{{- end }}
{{- end -}}

{{- define "roomkey.caVolumes" -}}
{{- $v := .root.Values -}}
{{- if $v.kafka.tls.enabled }}
- name: kafka-ca
  secret:
    secretName: {{ include "roomkey.kafkaCaSecret" .root }}
    items: [{ key: {{ $v.kafka.tls.caKey }}, path: {{ $v.kafka.tls.caKey }} }]
{{- end }}
{{- if and .pg $v.postgresql.tls.enabled }}
- name: postgres-ca
  secret:
    secretName: {{ include "roomkey.postgresCaSecret" .root }}
    items: [{ key: {{ $v.postgresql.tls.caKey }}, path: {{ $v.postgresql.tls.caKey }} }]
{{- end }}
{{- if and .mqtt $v.mosquitto.tls.enabled }}
- name: mqtt-ca
  secret:
    secretName: {{ include "roomkey.mqttCaSecret" .root }}
    items: [{ key: {{ $v.mosquitto.tls.caKey }}, path: {{ $v.mosquitto.tls.caKey }} }]
{{- end }}
{{- end -}}
