import type { Operation } from './types.js';

/** Gates and notes decide from facts alone, so they add nothing to the probe round. */
export const gate: Operation<'gate', null> = {
  probes: () => [],
  state: () => null,
  decide(_spec, _state, ctx) {
    if (!ctx.task.gate) return { status: 'failed', message: `gate "${ctx.task.title}" has no check` };
    const verdict = ctx.task.gate({ facts: ctx.facts, params: ctx.params, ...(ctx.fleet ? { fleet: ctx.fleet } : {}) });
    return 'refuse' in verdict ? { status: 'failed', message: verdict.refuse } : { status: 'ok', message: verdict.pass };
  },
};

export const note: Operation<'note', null> = {
  probes: () => [],
  state: () => null,
  decide(_spec, _state, ctx) {
    const message = ctx.task.note?.({ facts: ctx.facts, params: ctx.params }) ?? '';
    return { status: 'ok', message };
  },
};
