//! hello-wasm: an openpista wasm skill, built for wasm32-wasi without any crate.
//!
//! The openpista wasm ABI (see skills/README.md):
//!   - export `memory`;
//!   - export `alloc(len: i32) -> i32`: the host asks for `len` bytes and writes the input JSON there;
//!   - export `run(ptr: i32, len: i32) -> i64`: reads the input JSON, returns the output JSON as
//!     `(out_ptr << 32) | out_len` in module memory;
//!   - WASI is there too: the workspace is preopened read-only at /workspace, stdout and stderr are
//!     captured, there is no network.

use std::alloc::{alloc as raw_alloc, Layout};

#[no_mangle]
pub extern "C" fn alloc(len: i32) -> i32 {
    let layout = Layout::from_size_align(len.max(1) as usize, 1).unwrap();
    unsafe { raw_alloc(layout) as i32 }
}

#[no_mangle]
pub extern "C" fn run(ptr: i32, len: i32) -> i64 {
    let input = unsafe { std::slice::from_raw_parts(ptr as *const u8, len as usize) };
    let input = String::from_utf8_lossy(input);
    let name = string_field(&input, "name").unwrap_or_else(|| "stranger".to_string());
    let entries = std::fs::read_dir("/workspace").map(|dir| dir.count() as i64).unwrap_or(-1);
    eprintln!("hello-wasm: greeting {}", name);
    let output = format!(
        "{{\"greeting\":\"Hello, {}!\",\"workspace_entries\":{},\"engine\":\"wasm\"}}",
        escape(&name),
        entries
    );
    let bytes = output.into_bytes().into_boxed_slice();
    let out_len = bytes.len() as i64;
    let out_ptr = Box::into_raw(bytes) as *mut u8 as i64;
    (out_ptr << 32) | out_len
}

/// The string value of `"key": "..."` in a flat JSON object; enough for a greeting.
fn string_field(json: &str, key: &str) -> Option<String> {
    let pattern = format!("\"{}\"", key);
    let start = json.find(&pattern)? + pattern.len();
    let rest = json[start..].trim_start().strip_prefix(':')?.trim_start().strip_prefix('"')?;
    let mut value = String::new();
    let mut chars = rest.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some(value),
            '\\' => value.push(chars.next()?),
            _ => value.push(c),
        }
    }
    None
}

fn escape(text: &str) -> String {
    text.chars()
        .flat_map(|c| match c {
            '"' => vec!['\\', '"'],
            '\\' => vec!['\\', '\\'],
            c if (c as u32) < 0x20 => vec![' '],
            c => vec![c],
        })
        .collect()
}
