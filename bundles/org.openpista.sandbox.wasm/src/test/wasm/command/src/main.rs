//! A WASI command module (no `run` export): the input JSON arrives on stdin, the output goes to
//! stdout. Exits 3 when the input asks for it, to test exit codes.
use std::io::Read;

fn main() {
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input).unwrap();
    if input.contains("\"exit\":3") {
        eprintln!("asked to fail");
        std::process::exit(3);
    }
    print!("{{\"command_saw\":{}}}", input.trim());
}
