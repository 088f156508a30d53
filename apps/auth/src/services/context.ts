/** Who asked, from where: what events and throttles need from an HTTP request. */
export interface CallContext {
  requestId: string;
  ip: string;
  /** The signed-in caller, when there is one. */
  actorId?: string;
}
