// {{name}}: a nets agent for {{system}}, ABI v1 (the observation is written to memory).
// Build and check: `nets agent build .`; see README.md. Integers only: `number` is a float.
import * as o from "./observation";

// Where the host writes the observation before every decide (zeroed static memory).
const OBS: usize = memory.data(o.OBS_MAX_BYTES);

{{strategy}}

export function obs_ptr(): usize {
  return OBS;
}

export function decide(len: i32): i64 {
  return choose(OBS);
}
