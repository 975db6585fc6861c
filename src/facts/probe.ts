// The probe vocabulary: what a host is asked (a read-only sh snippet) and what it answered.
// Facts, operations and the planner decide from these; the executor only carries them
// (exec/probe-script.ts is the wire format), so they live here, below all of them.

export interface ProbeRequest {
  id: string;
  script: string;
}

export interface ProbeResult {
  stdout: string;
  stderr: string;
  rc: number;
}

/** A probe that could not be read (permission denied, binary missing where it matters). */
export class ProbeError extends Error {}

/** A probe's result, or a ProbeError when the host's shell stopped before printing it. */
export function probeResult(results: ReadonlyMap<string, ProbeResult>, id: string): ProbeResult {
  const r = results.get(id);
  if (!r) throw new ProbeError(`probe ${id} returned no output (the host's shell stopped early)`);
  return r;
}
