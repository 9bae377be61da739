/* {{name}}: a nets agent for {{system}}, ABI v1 (the observation is written to memory).
   Build and check: `nets agent build .`; see README.md. */
#include <stdint.h>

#include "observation.h"

/* Exported by the build (-Wl,--export-if-defined=decide,obs_ptr): Debian clang 14's
   export_name attribute makes wasm-ld add a function table, which the profile refuses. */

/* Where the host writes the observation before every decide (zeroed, no data segment). */
static uint8_t OBS[OBS_MAX_BYTES];

{{strategy}}

int32_t obs_ptr(void) {
    return (int32_t)(uintptr_t)OBS;
}

int64_t decide(int32_t len) {
    (void)len;
    return choose(OBS);
}
