// Made by scripts/compose/generate.ts from the code of the local stack: do not edit.
// A user per app, allowed to read and write its own database only. Run by the mongo image once,
// when it makes its data folder (/docker-entrypoint-initdb.d), as roomkey-admin.
const need = (name) => {
  if (!process.env[name]) throw new Error(`${name} is not set`);
  return process.env[name];
};
const admin = db.getSiblingDB('admin');
admin.createUser({ user: 'roomkey-auth', pwd: need('MONGO_AUTH_PASSWORD'), roles: [{ role: 'readWrite', db: 'roomkey_auth' }] });
admin.createUser({ user: 'roomkey-qr', pwd: need('MONGO_QR_PASSWORD'), roles: [{ role: 'readWrite', db: 'roomkey_qr' }] });
