import { randomUUID, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type {
  CreateDeviceBody,
  UpdateDeviceBody,
  DeviceRegistered,
  DeviceToken,
  DeviceTokenBody,
  DeviceView,
} from '@roomkey/contracts';
import { DomainError, NotFoundError, RateLimiter, rateLimited } from '@roomkey/common';
import { AUTH_CONFIG, AuthConfig } from '../config';
import { opaqueSecret, sha256 } from '../domain/secrets';
import { Device } from '../repositories/schemas';
import { AuthEvents } from './auth-events';
import type { CallContext } from './context';
import { Tokens } from './tokens.service';

const view = (d: Device): DeviceView => ({
  id: d._id,
  name: d.name,
  kind: d.kind,
  doorIds: d.doorIds,
  status: d.status,
  createdAt: d.createdAt.toISOString(),
  revokedAt: d.revokedAt ? d.revokedAt.toISOString() : null,
});

/**
 * Kiosks and locks. A device proves itself with the secret it got once at registration and
 * gets a short token scoped to its doors; after revocation it gets no new one.
 */
@Injectable()
export class Devices {
  constructor(
    @InjectModel(Device.name) private readonly devices: Model<Device>,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    private readonly limiter: RateLimiter,
    private readonly tokens: Tokens,
    private readonly events: AuthEvents,
  ) {}

  async register(body: CreateDeviceBody, ctx: CallContext): Promise<DeviceRegistered> {
    const secret = opaqueSecret('rkd_');
    const device = await this.devices.create({
      _id: randomUUID(),
      name: body.name,
      kind: body.kind,
      doorIds: [...new Set(body.doorIds)],
      secretHash: sha256(secret),
      status: 'active',
      createdAt: new Date(),
    });
    await this.events.emit({ kind: 'device-registered', deviceId: device._id }, ctx);
    return { ...view(device), secret };
  }

  async list(): Promise<DeviceView[]> {
    const rows = await this.devices.find().sort({ createdAt: 1 }).limit(1000).lean();
    return rows.map(view);
  }

  async rename(id: string, body: UpdateDeviceBody): Promise<DeviceView> {
    const row = await this.devices
      .findOneAndUpdate({ _id: id }, { $set: { name: body.name } }, { new: true })
      .lean();
    if (!row) throw new NotFoundError('DEVICE_NOT_FOUND', 'no device with this id');
    return view(row);
  }

  async revoke(id: string, ctx: CallContext): Promise<DeviceView> {
    const row = await this.devices
      .findOneAndUpdate(
        { _id: id, status: 'active' },
        { $set: { status: 'revoked', revokedAt: new Date() } },
        { new: true },
      )
      .lean();
    if (row) {
      await this.events.emit({ kind: 'device-revoked', deviceId: id }, ctx);
      return view(row);
    }
    const existing = await this.devices.findById(id).lean();
    if (!existing) throw new NotFoundError('DEVICE_NOT_FOUND', 'no device with this id');
    return view(existing);
  }

  /**
   * Limited per device id, and per address for failures: a failure is logged and may raise an
   * alert, so made-up device ids from one place stop costing anything after a few. The address
   * slot is taken before the secret is checked (so parallel tries cannot pass together) and
   * given back when it was right.
   */
  async token(body: DeviceTokenBody, ctx: CallContext): Promise<DeviceToken> {
    await this.limiter.enforce([[this.config.RATE_DEVICE_TOKEN_PER_DEVICE, body.deviceId]]);
    const address = await this.limiter.take(this.config.RATE_DEVICE_FAILURES_PER_ADDRESS, ctx.ip);
    if (!address.allowed) throw rateLimited(address.retryAfterS);
    const device = await this.devices.findById(body.deviceId).lean();
    const presented = Buffer.from(sha256(body.secret), 'hex');
    const expected = Buffer.from(device?.secretHash ?? sha256('no device'), 'hex');
    const matches = timingSafeEqual(presented, expected);
    if (!device || !matches || device.status !== 'active') {
      // Security staff see unknown and revoked devices knocking; the answer stays the same.
      const reason = !device
        ? 'device-unknown'
        : device.status !== 'active'
          ? 'device-revoked'
          : 'device-bad-secret';
      await this.events.emit(
        { kind: 'login-failed', deviceId: body.deviceId, reason, ip: ctx.ip },
        ctx,
      );
      throw new DomainError(
        'DEVICE_CREDENTIALS_INVALID',
        'the device id or secret is wrong, or the device was revoked',
        401,
      );
    }
    await address.refund();
    return this.tokens.deviceToken(device._id, device.doorIds);
  }
}
