/** What an event type does to the state. Unlisted event types merge. */
export const OPS = ['merge', 'append', 'remove', 'replace', 'ignore'] as const;

export type Op = (typeof OPS)[number];

export function isOp(value: unknown): value is Op {
  return (OPS as readonly unknown[]).includes(value);
}
