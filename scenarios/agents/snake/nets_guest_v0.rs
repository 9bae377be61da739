//! Snake, ABI v0: nets v0's guest snake agent, a no_std crate exporting
//! `decide(input: u64) -> u64`. It reads the low 32 bits of the observation (head x, head y,
//! apple x, apple y, 8 bits each from bit 24 down) and walks straight at the apple, x first:
//! 3 (x + 1) when head x < apple x, 2 (x - 1) when head x > apple x, 1 (y + 1) when
//! head y < apple y, else 0 (y - 1). It avoids neither walls nor its own body, so it needs
//! nets v0's one-cell start (snake param initial_length=1). Its WAT twin is nets_guest_v0.wat.
//! Build: `nets agent build scenarios/agents/snake/nets_guest_v0.rs`.
#![no_std]

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

#[no_mangle]
pub extern "C" fn decide(input: u64) -> u64 {
    let head_x = (input >> 24) & 0xff;
    let head_y = (input >> 16) & 0xff;
    let apple_x = (input >> 8) & 0xff;
    let apple_y = input & 0xff;
    if head_x < apple_x {
        3
    } else if head_x > apple_x {
        2
    } else if head_y < apple_y {
        1
    } else {
        0
    }
}
