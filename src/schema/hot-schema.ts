import * as z from 'zod';

/**
 * Compiling a schema takes from under a millisecond to several (the first one), and
 * saves about 0.4 µs a check: only a schema that has checked this many values is
 * worth it, so a short run (one test case, one `create`) never pays for it.
 */
export const CHECKS_BEFORE_COMPILING = 1000;

/**
 * A zod schema on a hot path. Once it has checked enough values it swaps itself for
 * zod's compiled clone (`z.compile`), which gives the same results and the same
 * issues several times faster.
 */
export class HotSchema<Schema extends z.ZodType> {
  private checksLeft: number;

  constructor(
    private schema: Schema,
    checksBeforeCompiling = CHECKS_BEFORE_COMPILING,
  ) {
    this.checksLeft = checksBeforeCompiling;
  }

  safeParse(value: unknown): z.ZodSafeParseResult<z.output<Schema>> {
    return this.current().safeParse(value);
  }

  /** Whether `value` is valid, without building the parsed output. */
  validate(value: unknown): boolean {
    return this.current().validate(value);
  }

  /** Whether the compiled clone is in use. */
  get isCompiled(): boolean {
    return this.checksLeft === 0;
  }

  private current(): Schema {
    if (this.checksLeft > 0 && --this.checksLeft === 0) this.schema = z.compile(this.schema);
    return this.schema;
  }
}
