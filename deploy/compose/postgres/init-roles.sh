#!/bin/sh
# Made by scripts/compose/generate.ts from the code of the local stack: do not edit.
# A role per app, owning its database and nothing else; only it may connect there. Run by
# the postgres image once, when it makes its cluster (/docker-entrypoint-initdb.d).
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v roomkey_face="${POSTGRES_FACE_PASSWORD:?}" \
  -v roomkey_access="${POSTGRES_ACCESS_PASSWORD:?}" \
  -v roomkey_audit="${POSTGRES_AUDIT_PASSWORD:?}" \
  <<EOF
create role roomkey_face login nosuperuser nocreatedb nocreaterole password :'roomkey_face';
create database roomkey_face owner roomkey_face;
revoke connect, temporary on database roomkey_face from public;
create role roomkey_access login nosuperuser nocreatedb nocreaterole password :'roomkey_access';
create database roomkey_access owner roomkey_access;
revoke connect, temporary on database roomkey_access from public;
create role roomkey_audit login nosuperuser nocreatedb nocreaterole password :'roomkey_audit';
create database roomkey_audit owner roomkey_audit;
revoke connect, temporary on database roomkey_audit from public;
EOF
