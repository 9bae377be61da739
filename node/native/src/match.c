/* The match loop (node/match.py's rule) with the agent called through wasmtime's C API.

The Python side hands over, once per agent, what node/wasm/engine.py's Live keeps: the store
context, the decide function, the memory's base address and image, and the mutable globals
with their initial values. wasmtime's functions come as pointers taken from the library
wasmtime-py loaded, so this file needs no wasmtime header and no second copy of wasmtime. */
#include <stdlib.h>
#include <string.h>

#include "nets.h"

typedef void *(*call_unchecked_fn)(void *context, const void *func, void *args_and_results,
                                   size_t len, void **trap);
typedef void *(*set_fuel_fn)(void *context, uint64_t fuel);
typedef void *(*get_fuel_fn)(void *context, uint64_t *fuel);
typedef void *(*global_set_fn)(void *context, const void *global, const void *value);
typedef _Bool (*trap_code_fn)(const void *trap, uint8_t *code);
typedef void (*delete_fn)(void *object);

typedef struct {
    call_unchecked_fn call_unchecked;
    set_fuel_fn set_fuel;
    get_fuel_fn get_fuel;
    global_set_fn global_set;
    trap_code_fn trap_code;
    delete_fn trap_delete;
    delete_fn error_delete;
    uint8_t out_of_fuel_code;
} nets_wasmtime_api;

/* One agent's live instance (node.wasm.engine.Live): restored before every decision. */
typedef struct {
    void *context;
    const void *decide; /* wasmtime_func_t */
    int32_t abi;
    int32_t obs_trapped;
    uint32_t obs_ptr;
    int32_t dirty; /* in and out: a decision ran since the image was taken */
    uint64_t obs_fuel;
    uint8_t *base;
    uint64_t memory_bytes;
    const uint8_t *image; /* memory_bytes bytes; NULL without memory */
    const uint64_t *runs; /* (offset, length) pairs of the image's non-zero stretches */
    int64_t n_runs;       /* -1: copy the whole image */
    const void *const *globals;      /* wasmtime_global_t pointers */
    const void *const *global_inits; /* wasmtime_val_t pointers */
    uint32_t n_globals;
    int32_t writes_memory; /* 0: no store instruction, only the observation write changes memory */
    uint64_t last_obs_len;  /* bytes the last decision wrote at obs_ptr (while writes_memory is 0) */
} nets_agent;

enum { OK = 0, OUT_OF_FUEL = 2, INVALID_ACTION = 3, INVALID_MODULE = 4 };
enum { FINISHED = 0, NEEDS_REFERENCE = 1, STATE_NOT_HANDLED = 2, NO_MEMORY = 3 };
enum { ENTRY = 77 };

typedef struct {
    int32_t status;
    uint32_t steps;
    uint32_t outcome;
    uint32_t final_len;
    uint64_t fuel_used;
    int64_t score;
    uint8_t root[32];
    uint8_t initial_hash[32];
    uint8_t final_hash[32];
    const uint8_t *entries; /* steps * 77 bytes, owned by the runner until its next match */
    uint8_t final_state[NETS_MAX_STATE];
} nets_result;

typedef struct {
    uint8_t *entries, *leaves;
    size_t capacity; /* entries the buffers hold */
    uint64_t state[NETS_MAX_STATE / 8];
    uint8_t encoded[NETS_MAX_STATE];
    uint8_t observation[NETS_MAX_STATE];
} nets_runner;

nets_runner *nets_runner_new(void) { return calloc(1, sizeof(nets_runner)); }

void nets_runner_free(nets_runner *runner) {
    if (!runner) return;
    free(runner->entries);
    free(runner->leaves);
    free(runner);
}

size_t nets_result_size(void) { return sizeof(nets_result); }
size_t nets_agent_size(void) { return sizeof(nets_agent); }
size_t nets_api_size(void) { return sizeof(nets_wasmtime_api); }

static int grow(nets_runner *r, size_t need) {
    if (need <= r->capacity) return 0;
    size_t capacity = r->capacity ? r->capacity : 1024;
    while (capacity < need) capacity *= 2;
    uint8_t *entries = realloc(r->entries, capacity * ENTRY);
    if (!entries) return -1;
    r->entries = entries;
    uint8_t *leaves = realloc(r->leaves, capacity * 32);
    if (!leaves) return -1;
    r->leaves = leaves;
    r->capacity = capacity;
    return 0;
}

static void restore(const nets_wasmtime_api *api, nets_agent *a, int whole) {
    if (a->image && a->memory_bytes && !whole && !a->writes_memory) {
        /* Only the observation changed memory: put back the image under it. */
        memcpy(a->base + a->obs_ptr, a->image + a->obs_ptr, a->last_obs_len);
    } else if (a->image && a->memory_bytes) {
        if (a->n_runs < 0) {
            memcpy(a->base, a->image, a->memory_bytes);
        } else {
            memset(a->base, 0, a->memory_bytes);
            for (int64_t i = 0; i < a->n_runs; i++)
                memcpy(a->base + a->runs[2 * i], a->image + a->runs[2 * i], a->runs[2 * i + 1]);
        }
    }
    for (uint32_t i = 0; i < a->n_globals; i++) {
        void *error = api->global_set(a->context, a->globals[i], a->global_inits[i]);
        if (error) api->error_delete(error);
    }
}

/* One decision exactly as Live.run: 0 with (outcome, value, used) for ok and out_of_fuel,
   -1 when a trap needs the reference interpreter. */
static int decide(const nets_wasmtime_api *api, nets_agent *a, const uint8_t *obs, size_t len,
                  uint64_t budget, int *outcome, int64_t *value, uint64_t *used) {
    if (a->obs_trapped) return -1;
    *value = 0;
    if (a->obs_fuel > budget) {
        *outcome = OUT_OF_FUEL;
        *used = budget;
        return 0;
    }
    if (a->dirty) restore(api, a, 0);
    a->dirty = 1;
    a->last_obs_len = 0;
    union {
        int32_t i32;
        int64_t i64;
        uint8_t raw[16];
    } slot;
    memset(&slot, 0, sizeof slot);
    if (a->abi == 0) {
        slot.i64 = (int64_t)nets_be64(obs);
    } else {
        if ((uint64_t)a->obs_ptr + len > a->memory_bytes) return -1;
        memcpy(a->base + a->obs_ptr, obs, len);
        a->last_obs_len = len;
        slot.i32 = (int32_t)len;
    }
    uint64_t given = budget - a->obs_fuel + 1;
    void *error = api->set_fuel(a->context, given);
    if (error) {
        api->error_delete(error);
        return -1;
    }
    void *trap = NULL;
    error = api->call_unchecked(a->context, a->decide, &slot, 1, &trap);
    if (error) {
        api->error_delete(error);
        return -1;
    }
    if (trap) {
        uint8_t code = 0;
        _Bool known = api->trap_code(trap, &code);
        api->trap_delete(trap);
        if (known && code == api->out_of_fuel_code) {
            *outcome = OUT_OF_FUEL;
            *used = budget;
            return 0;
        }
        return -1;
    }
    uint64_t remaining = 0;
    error = api->get_fuel(a->context, &remaining);
    if (error) {
        api->error_delete(error);
        return -1;
    }
    uint64_t consumed = budget + 1 - remaining;
    if (remaining == 0 || consumed > budget) {
        *outcome = OUT_OF_FUEL;
        *used = budget;
        return 0;
    }
    *outcome = OK;
    *value = slot.i64;
    *used = consumed;
    return 0;
}

/* Play from the encoded initial state; agent NULL is a module outside the profile. */
int nets_run(nets_runner *r, const nets_wasmtime_api *api, int system_id,
             const uint8_t *initial, size_t initial_len, nets_agent *agent, uint64_t fuel,
             nets_result *out) {
    const nets_system *sys = nets_system_by_id(system_id);
    out->status = STATE_NOT_HANDLED;
    if (!sys || sys->state_size > sizeof r->state || initial_len > NETS_MAX_STATE) return out->status;
    void *state = r->state;
    if (sys->load(state, initial, initial_len) != 0) return out->status;
    if (agent && agent->dirty) {
        /* Whatever ran last (a Python decision too), start from the whole image. */
        restore(api, agent, 1);
        agent->dirty = 0;
    }
    uint8_t pre[32];
    nets_keccak256(initial, initial_len, pre);
    memcpy(out->initial_hash, pre, 32);
    uint32_t step = 0;
    int outcome = OK;
    uint64_t fuel_used = 0;
    size_t encoded_len = initial_len;
    memcpy(r->encoded, initial, initial_len);
    while (sys->running(state)) {
        uint64_t action = 0;
        if (!agent) {
            outcome = INVALID_MODULE;
        } else {
            size_t obs_len = sys->observe(state, agent->abi, r->observation);
            int decided;
            int64_t value;
            uint64_t used;
            if (decide(api, agent, r->observation, obs_len, fuel, &decided, &value, &used) != 0) {
                out->status = NEEDS_REFERENCE;
                return out->status;
            }
            fuel_used += used;
            if (decided != OK)
                outcome = decided;
            else if (!sys->to_action(state, (uint64_t)value, &action))
                outcome = INVALID_ACTION;
        }
        if (outcome != OK) {
            action = 0;
            sys->forfeit(state);
        } else {
            sys->step(state, action);
        }
        encoded_len = sys->encode(state, r->encoded);
        if (grow(r, (size_t)step + 1) != 0) {
            out->status = NO_MEMORY;
            return out->status;
        }
        uint8_t *entry = r->entries + (size_t)step * ENTRY;
        nets_put32(entry, step);
        memcpy(entry + 4, pre, 32);
        entry[36] = (uint8_t)outcome;
        nets_put64(entry + 37, action);
        nets_keccak256(r->encoded, encoded_len, entry + 45);
        memcpy(pre, entry + 45, 32);
        nets_sha256_prefixed(0, entry, ENTRY, r->leaves + (size_t)step * 32);
        step++;
        if (outcome != OK) break;
    }
    out->steps = step;
    out->outcome = (uint32_t)outcome;
    out->fuel_used = fuel_used;
    out->score = sys->score(state);
    memcpy(out->final_hash, pre, 32);
    memcpy(out->final_state, r->encoded, encoded_len);
    out->final_len = (uint32_t)encoded_len;
    out->entries = r->entries;
    /* The root folds the leaf hashes in place: entries stay, leaves are spent. */
    nets_merkle_root(r->leaves, step, out->root);
    out->status = FINISHED;
    return out->status;
}

/* Exposed for the differential tests of the hashes against the Python reference. */
void nets_hash_keccak256(const uint8_t *data, size_t len, uint8_t *out) {
    nets_keccak256(data, len, out);
}

void nets_hash_root(uint8_t *leaf_hashes, size_t n, uint8_t *out) {
    nets_merkle_root(leaf_hashes, n, out);
}
