import * as z from 'zod';

// zod compiles an object schema's own fast path at its first check: about 5 ms for the
// first request of a run, paid again by each new schema. HotSchema compiles whole
// schemas once they have checked enough values instead, so a short run (one test
// case) never pays for compiling. Imported first, since the setting is read as each
// schema is built.
z.config({ jitless: true });
