/**
 * Conflicts an operator action can run into. They are not failures of the app, so they live
 * beside the app's error catalogue rather than in it, with the same JSON shape.
 */
export type OpsErrorCode = 'INSTANCE_RUNNING' | 'INSTANCE_FINISHED';

export class OpsError extends Error {
  override readonly name = 'OpsError';
  readonly status = 409;

  constructor(
    readonly code: OpsErrorCode,
    message: string,
  ) {
    super(message);
  }
}
