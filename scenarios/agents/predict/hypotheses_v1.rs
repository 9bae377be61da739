//! Predict, ABI v1: the Rust twin of hypotheses_v1.wat, decision for decision. It scores twenty
//! generator hypotheses on the recent values and predicts with the best: 0..7 period h + 1
//! (v[j] = v[j + h + 1]); 8..15 affine v[j] = a * v[j + 1] + c with a = 2(h - 8) + 1; 16..19
//! second order v[j] = q * v[j + 1] + v[j + 2] + c with q = h - 16. The constant c is fitted
//! on the newest value; a hypothesis scores the exact hits on v[1..4].
//! Build: `nets agent build scenarios/agents/predict/hypotheses_v1.rs`; the fuel and speed of
//! the two are compared in docs/benchmarks/wasm.md (scripts/bench_agent_langs.py).
#![no_std]

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

/// made u16 | length u16 | n u8 | n values, newest first (at most 32).
const MAX_BYTES: usize = 5 + 32;
static mut OBS: [u8; MAX_BYTES] = [0; MAX_BYTES];

#[no_mangle]
pub extern "C" fn obs_ptr() -> i32 {
    unsafe { core::ptr::addr_of!(OBS) as i32 }
}

/// Value i back (0 newest); out of range gives 4096 + i, which never equals a byte.
fn v(obs: &[u8; MAX_BYTES], i: u32) -> u32 {
    if i >= obs[4] as u32 {
        return 4096 + i;
    }
    obs.get(5 + i as usize).map_or(4096 + i, |b| *b as u32)
}

/// Hypothesis h's value for position j - 1 (the value right after index j), given c.
fn predict(obs: &[u8; MAX_BYTES], h: u32, j: u32, c: u32) -> u32 {
    if h < 8 {
        return v(obs, j + h);
    }
    if h < 16 {
        let a = 2 * (h - 8) + 1;
        return a.wrapping_mul(v(obs, j)).wrapping_add(c) & 255;
    }
    let q = h - 16;
    q.wrapping_mul(v(obs, j)).wrapping_add(v(obs, j + 1)).wrapping_add(c) & 255
}

/// The constant c of hypothesis h fitted on the newest value.
fn fit(obs: &[u8; MAX_BYTES], h: u32) -> u32 {
    if h < 8 {
        return 0;
    }
    v(obs, 0).wrapping_sub(predict(obs, h, 1, 0)) & 255
}

#[no_mangle]
pub extern "C" fn decide(_len: i32) -> i64 {
    let obs = unsafe { &*core::ptr::addr_of!(OBS) };
    let (mut best, mut best_hits, mut best_c) = (0, -1, 0);
    for h in 0..20 {
        let c = fit(obs, h);
        let mut hits = 0;
        for j in 1..=4 {
            if v(obs, j) == predict(obs, h, j + 1, c) {
                hits += 1;
            }
        }
        if hits > best_hits {
            (best, best_hits, best_c) = (h, hits, c);
        }
    }
    (predict(obs, best, 0, best_c) & 255) as i64
}
