/** Why a projection operation was refused; the protocol layer maps each to a code. */
export type ProjectionErrorKind = 'not-found' | 'already-exists' | 'version-mismatch' | 'invalid-event';

/** A refused operation. Thrown before anything is changed. */
export class ProjectionError extends Error {
  constructor(
    readonly kind: ProjectionErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'ProjectionError';
  }
}

export function invalidEvent(message: string): ProjectionError {
  return new ProjectionError('invalid-event', message);
}
