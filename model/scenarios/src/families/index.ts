/**
 * Every rule family, imported for its registrations (each file calls `scenario(…)` at its top
 * level). Adding a family: create `<family>.ts` beside this file and import it here.
 *
 * Layer: model/scenarios (generator only).
 */
import type { ScenarioDef } from '../registry.ts';
import { registered } from '../registry.ts';
import './size-change.ts';
import './size-change-identity.ts';
import './contiguous.ts';
import './bbm-protocol.ts';
import './live-change.ts';
import './tables.ts';
import './links.ts';
import './repaint.ts';
import './preempt-rt.ts';
import './invalid-input.ts';
import './cont-order.ts';
import './cont-attrs.ts';
import './cont-bbm.ts';
import './cont-repaint.ts';
import './decode.ts';
import './resume.ts';
import './walk-cache.ts';
import './lifetime.ts';
import './tlbi-timing.ts';
import './visibility.ts';

/** @returns every scenario of every family, in registration order */
export function allScenarios(): readonly ScenarioDef[] {
  return registered();
}
