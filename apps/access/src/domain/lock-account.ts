import { lockTopic } from './lock-command';

/** One rule of a broker role, as Mosquitto's dynamic security plugin takes it. */
export interface BrokerAcl {
  acltype: 'publishClientSend' | 'subscribeLiteral' | 'subscribePattern';
  topic: string;
  allow: boolean;
}

/**
 * A lock's own client on the MQTT broker: a username, the one client id it may connect with (so
 * no one else can take that id and push the real lock off the broker), and a role that lets it
 * read only its own commands and write only its own state and acknowledgements. Its last will
 * goes to its state topic, which nobody else may write: that is why the will is believed.
 */
export interface LockAccount {
  username: string;
  clientId: string;
  role: string;
  acls: BrokerAcl[];
}

export const lockClientId = (lockId: string) => `roomkey-lock-${lockId}`;

export function lockAccount(lockId: string): LockAccount {
  return {
    username: `lock-${lockId}`,
    clientId: lockClientId(lockId),
    role: `lock-${lockId}`,
    acls: [
      { acltype: 'subscribeLiteral', topic: lockTopic(lockId, 'cmd'), allow: true },
      { acltype: 'publishClientSend', topic: lockTopic(lockId, 'state'), allow: true },
      { acltype: 'publishClientSend', topic: lockTopic(lockId, 'ack'), allow: true },
    ],
  };
}
