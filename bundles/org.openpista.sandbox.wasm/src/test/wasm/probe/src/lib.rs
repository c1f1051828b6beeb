//! Test probe for the wasm sandbox's security tests: the input JSON names one operation.
//!   {"op":"loop"}                 spins forever
//!   {"op":"grow","mb":N}          allocates and touches N MB
//!   {"op":"read","path":P}        reads a file, returns its first bytes or the error
//!   {"op":"write","path":P}       creates a file
//!   {"op":"env"}                  returns every environment variable
//!   {"op":"echo"}                 returns the input
use std::alloc::{alloc as raw_alloc, Layout};

#[no_mangle]
pub extern "C" fn alloc(len: i32) -> i32 {
    let layout = Layout::from_size_align(len.max(1) as usize, 1).unwrap();
    unsafe { raw_alloc(layout) as i32 }
}

fn field(json: &str, key: &str) -> Option<String> {
    let pattern = format!("\"{}\"", key);
    let start = json.find(&pattern)? + pattern.len();
    let rest = json[start..].trim_start().strip_prefix(':')?.trim_start();
    if let Some(quoted) = rest.strip_prefix('"') {
        let mut value = String::new();
        let mut chars = quoted.chars();
        while let Some(c) = chars.next() {
            match c {
                '"' => return Some(value),
                '\\' => match chars.next()? {
                    'u' => {
                        let hex: String = chars.by_ref().take(4).collect();
                        value.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
                    }
                    'n' => value.push('\n'),
                    other => value.push(other),
                },
                _ => value.push(c),
            }
        }
        None
    } else {
        Some(rest.chars().take_while(|c| c.is_ascii_digit()).collect())
    }
}

fn escape(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

fn answer(text: String) -> i64 {
    let bytes = text.into_bytes().into_boxed_slice();
    let len = bytes.len() as i64;
    let ptr = Box::into_raw(bytes) as *mut u8 as i64;
    (ptr << 32) | len
}

#[no_mangle]
pub extern "C" fn run(ptr: i32, len: i32) -> i64 {
    let input = unsafe { std::slice::from_raw_parts(ptr as *const u8, len as usize) };
    let input = String::from_utf8_lossy(input).to_string();
    let op = field(&input, "op").unwrap_or_default();
    match op.as_str() {
        "loop" => {
            let mut x: u64 = 0;
            loop {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
                if x == 42 {
                    break;
                }
            }
            answer(format!("{{\"x\":{}}}", x))
        }
        "grow" => {
            let mb: usize = field(&input, "mb").and_then(|n| n.parse().ok()).unwrap_or(100);
            let mut blocks: Vec<Vec<u8>> = Vec::new();
            for i in 0..mb {
                blocks.push(vec![i as u8; 1024 * 1024]);
            }
            answer(format!("{{\"allocated_mb\":{}}}", blocks.len()))
        }
        "read" => {
            let path = field(&input, "path").unwrap_or_default();
            match std::fs::read(&path) {
                Ok(bytes) => answer(format!(
                    "{{\"ok\":true,\"content\":\"{}\"}}",
                    escape(&String::from_utf8_lossy(&bytes[..bytes.len().min(200)]))
                )),
                Err(e) => answer(format!("{{\"ok\":false,\"error\":\"{}\"}}", escape(&e.to_string()))),
            }
        }
        "write" => {
            let path = field(&input, "path").unwrap_or_default();
            match std::fs::write(&path, b"written by the probe") {
                Ok(()) => answer("{\"ok\":true}".to_string()),
                Err(e) => answer(format!("{{\"ok\":false,\"error\":\"{}\"}}", escape(&e.to_string()))),
            }
        }
        "paths" => {
            // one line per path: "<read result>|<write result>", so hundreds of payloads cost one run
            let paths = field(&input, "paths").unwrap_or_default();
            let mut lines = Vec::new();
            for path in paths.split('\n').filter(|p| !p.is_empty()) {
                let read = match std::fs::read(path) {
                    Ok(bytes) => format!("R:{}", String::from_utf8_lossy(&bytes[..bytes.len().min(40)])),
                    Err(_) => "r".to_string(),
                };
                let write = match std::fs::OpenOptions::new().write(true).create(true).open(path) {
                    Ok(_) => "W".to_string(),
                    Err(_) => "w".to_string(),
                };
                lines.push(format!("{}|{}", read, write));
            }
            answer(format!("{{\"results\":\"{}\"}}", escape(&lines.join("\n"))))
        }
        "env" => {
            let vars: Vec<String> = std::env::vars().map(|(k, v)| format!("\"{}={}\"", escape(&k), escape(&v))).collect();
            answer(format!("{{\"env\":[{}]}}", vars.join(",")))
        }
        _ => {
            println!("probe stdout");
            answer(input)
        }
    }
}
