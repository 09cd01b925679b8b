// Reads, writes and lists files under /data with Rust's std for
// wasm32-wasi, printing one line per step: the same script as files_c.c and
// files_cpp.cc, so their outputs can be compared.
use std::fs;
use std::io::Write;

fn list(dir: &str) -> String {
    match fs::read_dir(dir) {
        Ok(entries) => {
            let mut names: Vec<String> = entries
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect();
            names.sort();
            names.join(",")
        }
        Err(_) => "error".to_string(),
    }
}

fn status<T, E>(r: Result<T, E>) -> &'static str {
    if r.is_ok() { "ok" } else { "error" }
}

fn main() {
    // File::open asks path_open for every right a file might need.
    match fs::read_to_string("/data/file.txt") {
        Ok(text) => println!("read: {}", text),
        Err(_) => println!("read: error"),
    }
    println!("list: {}", list("/data"));
    println!("list sub: {}", list("/data/sub"));
    println!("write: {}", status(fs::write("/data/out.txt", "written by rust")));
    match fs::read_to_string("/data/out.txt") {
        Ok(text) => println!("read back: {}", text),
        Err(_) => println!("read back: error"),
    }
    let append = fs::OpenOptions::new()
        .append(true)
        .open("/data/file.txt")
        .and_then(|mut f| f.write_all(b"+more"));
    println!("append: {}", status(append));
    println!("mkdir: {}", status(fs::create_dir("/data/made")));
    println!("rename: {}", status(fs::rename("/data/out.txt", "/data/sub/moved.txt")));
    println!("list after: {}", list("/data"));
    println!("outside: {}", if fs::read_to_string("/data/../secret").is_ok() { "read" } else { "error" });
}
