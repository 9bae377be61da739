/* {{name}}: a nets agent for {{system}}, ABI v0 (the observation is decide's u64).
   Build and check: `nets agent build .`; see README.md. */
#include <stdint.h>

#include "observation.h"

/* Exported by the build (-Wl,--export-if-defined=decide,obs_ptr): Debian clang 14's
   export_name attribute makes wasm-ld add a function table, which the profile refuses. */

{{strategy}}

int64_t decide(int64_t input) {
    return choose((obs_t)input);
}
