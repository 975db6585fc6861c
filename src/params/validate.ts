import { InputError } from '../errors.js';
import type { ParamSpec, ParamSpecs, ParamValues } from '../dsl/types.js';
import { nearest } from '../util/nearest.js';

export class ParamError extends InputError {}

function fail(name: string, spec: ParamSpec, got: unknown, expected: string): never {
  throw new ParamError(`parameter "${name}": expected ${expected}, got ${JSON.stringify(got)}${spec.description ? ` (${spec.description})` : ''}`);
}

function coerce(name: string, spec: ParamSpec, raw: unknown): unknown {
  switch (spec.type) {
    case 'enum':
      if (typeof raw !== 'string' || !spec.values.includes(raw)) fail(name, spec, raw, `one of ${spec.values.join(', ')}`);
      return raw;
    case 'string':
      if (typeof raw !== 'string' && typeof raw !== 'number') fail(name, spec, raw, 'a string');
      if (spec.pattern && !spec.pattern.test(String(raw))) fail(name, spec, raw, `a string matching ${spec.pattern}`);
      return String(raw);
    case 'number': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
      if (!Number.isFinite(n)) fail(name, spec, raw, 'a number');
      if ((spec.min !== undefined && n < spec.min) || (spec.max !== undefined && n > spec.max)) fail(name, spec, raw, `a number in ${spec.min ?? '-∞'}..${spec.max ?? '∞'}`);
      return n;
    }
    case 'boolean': {
      if (typeof raw === 'boolean') return raw;
      const s = String(raw).toLowerCase();
      if (['true', 'yes', '1', 'on'].includes(s)) return true;
      if (['false', 'no', '0', 'off'].includes(s)) return false;
      return fail(name, spec, raw, 'a boolean (true/false)');
    }
    case 'map': {
      let obj: Record<string, unknown>;
      if (typeof raw === 'string') {
        // key=value words arrive as one string: "a.example=1.2.3.4,b.example=5.6.7.8"
        obj = {};
        for (const pair of raw.split(',').map((s) => s.trim()).filter(Boolean)) {
          const eq = pair.indexOf('=');
          if (eq <= 0) fail(name, spec, raw, 'a map (JSON object, or k=v,k2=v2)');
          obj[pair.slice(0, eq)] = pair.slice(eq + 1);
        }
      } else if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
        obj = raw as Record<string, unknown>;
      } else {
        return fail(name, spec, raw, 'a map (JSON object, or k=v,k2=v2)');
      }
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(obj)) {
        if (typeof v !== 'string' && typeof v !== 'number') fail(`${name}.${k}`, spec, v, 'a string');
        if (spec.keyPattern && !spec.keyPattern.test(k)) fail(name, spec, k, `keys matching ${spec.keyPattern}`);
        if (spec.valuePattern && !spec.valuePattern.test(String(v))) fail(`${name}.${k}`, spec, v, `a value matching ${spec.valuePattern}`);
        out[k] = String(v);
      }
      return out;
    }
    case 'list': {
      const arr = typeof raw === 'string' ? raw.split(',').map((s) => s.trim()).filter(Boolean) : raw;
      if (!Array.isArray(arr)) return fail(name, spec, raw, 'a list (JSON array, or a,b,c)');
      return arr.map((item, i) => {
        if (typeof item !== 'string' && typeof item !== 'number') fail(`${name}[${i}]`, spec, item, 'a string');
        if (spec.itemPattern && !spec.itemPattern.test(String(item))) fail(`${name}[${i}]`, spec, item, `items matching ${spec.itemPattern}`);
        return String(item);
      });
    }
  }
}

/** Defaults filled in, values coerced from strings, unknown names refused with a suggestion. */
export function resolveParams(playbookName: string, specs: ParamSpecs, given: Record<string, unknown>): ParamValues {
  const out: ParamValues = {};
  for (const key of Object.keys(given)) {
    if (!(key in specs)) {
      const known = Object.keys(specs);
      const hint = nearest(key, known);
      throw new ParamError(
        `playbook ${playbookName} has no parameter "${key}"` +
          (hint ? ` (did you mean "${hint}"?)` : known.length ? ` (parameters: ${known.join(', ')})` : ' (it takes no parameters)'),
      );
    }
  }
  for (const [name, spec] of Object.entries(specs)) {
    if (name in given) out[name] = coerce(name, spec, given[name]);
    else if ('default' in spec && spec.default !== undefined) out[name] = spec.default;
    else if (spec.type === 'string' && spec.required) throw new ParamError(`parameter "${name}" is required (${spec.description})`);
  }
  return out;
}
