/** StateJson.byteLength: the UTF-8 bytes of a state's JSON, serialized once per version, not once per ask. */
import { describe, expect, it, vi } from 'vitest';
import { ProjectionStore } from '../../src/projections/store.js';
import { StateJsonCache } from '../../src/state-json/state-json.js';

describe('StateJson.byteLength', () => {
  it("measures each version of a state once, and follows its changes, a rebuild's too", () => {
    const store = new ProjectionStore();
    const json = new StateJsonCache();
    const projection = store.create('p', {});
    store.update('p', { event_type: 'E', event_data: { name: 'Zoë', n: 1 } });
    const value = vi.spyOn(projection.state, 'value');
    expect(json.of(projection).byteLength()).toBe(Buffer.byteLength('{"name":"Zoë","n":1}'));
    expect(json.of(projection).byteLength()).toBe(21);
    expect(value).toHaveBeenCalledTimes(1);

    store.update('p', { event_type: 'E', event_data: { n: 22 } });
    expect(json.of(projection).byteLength()).toBe(22);
    expect(value).toHaveBeenCalledTimes(2);

    // A rebuild to the same version makes another state, measured afresh.
    store.rebuild('p', [
      { event_type: 'E', event_data: { a: '€' } },
      { event_type: 'E', event_data: { b: 2 } },
    ]);
    expect(projection.version).toBe(2);
    expect(json.of(projection).byteLength()).toBe(Buffer.byteLength('{"a":"€","b":2}'));
  });
});
