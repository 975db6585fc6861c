import { InputError } from '../../errors.js';
import type { Condition, ParamValues, TaskOf } from '../task.js';
import { form } from './form.js';

export type ServiceSpec = { kind: 'service'; unit: string; active: boolean };

const UNIT_NAME = /^[A-Za-z0-9:_.@-]{1,200}\.(service|socket|timer|target|mount|path)$/;

function assertUnit(unit: string): void {
  if (!UNIT_NAME.test(unit)) throw new InputError(`invalid systemd unit name ${JSON.stringify(unit)}`);
}

export const services = {
  /** A systemd unit enabled and running; when it cannot start, the step fails with its journal. */
  running<P extends ParamValues>(unit: string, opts: { when?: Condition<P> } = {}): TaskOf<ServiceSpec, P> {
    assertUnit(unit);
    return { title: `${unit} enabled and active`, spec: { kind: 'service', unit, active: true }, ...opts };
  },
  /** A systemd unit enabled (started at boot), not started now. */
  enabled<P extends ParamValues>(unit: string, opts: { when?: Condition<P> } = {}): TaskOf<ServiceSpec, P> {
    assertUnit(unit);
    return { title: `${unit} enabled`, spec: { kind: 'service', unit, active: false }, ...opts };
  },
};

export const SERVICE_FORMS = {
  service: form({
    description: 'A systemd unit enabled at boot, and with state running also active now (when it cannot start, the step fails with its journal).',
    builder: 'services.running / services.enabled',
    properties: {
      unit: { type: 'string', pattern: UNIT_NAME.source, description: 'a systemd unit name with its suffix, e.g. iscsid.service' },
      state: { enum: ['running', 'enabled'], description: 'running: enabled and active; enabled: started at boot only' },
    },
    required: ['unit', 'state'],
    build: (a: { unit: string; state: 'running' | 'enabled' }, o) => (a.state === 'running' ? services.running(a.unit, o) : services.enabled(a.unit, o)),
  }),
};
