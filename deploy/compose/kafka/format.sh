#!/bin/sh
# Made by scripts/compose/generate.ts from the code of the local stack: do not edit.
# The broker's settings and its SCRAM users (one per app, and the admin that makes topics
# and ACLs), written into its volume before it first starts: run once, as root, by the
# kafka-format service. A log folder formatted earlier is kept (--ignore-formatted).
set -eu
mkdir -p /var/lib/kafka/data
umask 077
cat > /var/lib/kafka/server.properties <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@kafka:9093
listeners=CLIENTS://0.0.0.0:9092,CONTROLLER://0.0.0.0:9093
advertised.listeners=CLIENTS://kafka:9092
controller.listener.names=CONTROLLER
inter.broker.listener.name=CLIENTS
listener.security.protocol.map=CONTROLLER:SASL_PLAINTEXT,CLIENTS:SASL_PLAINTEXT
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.controller.sasl.enabled.mechanisms=PLAIN
sasl.mechanism.controller.protocol=PLAIN
listener.name.clients.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="roomkey-admin" password="${KAFKA_ADMIN_PASSWORD}";
listener.name.controller.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="roomkey-admin" password="${KAFKA_ADMIN_PASSWORD}" user_roomkey-admin="${KAFKA_ADMIN_PASSWORD}";
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:roomkey-admin
allow.everyone.if.no.acl.found=false
log.dirs=/var/lib/kafka/data
num.partitions=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
log.cleaner.dedupe.buffer.size=16777216
auto.create.topics.enable=false
EOF
/opt/kafka/bin/kafka-storage.sh format -t cm9vbWtleS1zdGFjay0w -c /var/lib/kafka/server.properties --ignore-formatted \
  --add-scram "SCRAM-SHA-512=[name=roomkey-admin,password=${KAFKA_ADMIN_PASSWORD}]" \
  --add-scram "SCRAM-SHA-512=[name=roomkey-gateway,password=${KAFKA_GATEWAY_PASSWORD}]" \
  --add-scram "SCRAM-SHA-512=[name=roomkey-auth,password=${KAFKA_AUTH_PASSWORD}]" \
  --add-scram "SCRAM-SHA-512=[name=roomkey-qr,password=${KAFKA_QR_PASSWORD}]" \
  --add-scram "SCRAM-SHA-512=[name=roomkey-face,password=${KAFKA_FACE_PASSWORD}]" \
  --add-scram "SCRAM-SHA-512=[name=roomkey-access,password=${KAFKA_ACCESS_PASSWORD}]" \
  --add-scram "SCRAM-SHA-512=[name=roomkey-audit,password=${KAFKA_AUDIT_PASSWORD}]"
# The broker runs as the image's own user.
chown -R "${KAFKA_UID:-1000}" /var/lib/kafka
