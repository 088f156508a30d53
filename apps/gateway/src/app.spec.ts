import { gatewayAppOptions } from './app';
import { loadGatewayConfig } from './config';

describe('the gateway app', () => {
  it('hears every decision in each instance: a group of its own per start, even with one configuration', () => {
    const config = loadGatewayConfig({ KAFKA_GROUP_ID: 'roomkey.gateway', KAFKA_PASSWORD: 'unit' });
    const groupOf = () =>
      (gatewayAppOptions(config).consumer?.options as { consumer: { groupId: string } }).consumer
        .groupId;
    const [one, two] = [groupOf(), groupOf()];
    expect(one).not.toBe(two);
    // Within the app's prefix, which the broker's ACLs grant.
    expect(one.startsWith('roomkey.gateway.')).toBe(true);
  });
});
