// {{name}}: a nets agent for {{system}}, ABI v0 (the observation is decide's u64).
// Build and check: `nets agent build .`; see README.md. Integers only: `number` is a float.
import * as o from "./observation";

{{strategy}}

export function decide(input: i64): i64 {
  return choose(input);
}
