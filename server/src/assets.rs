//! Build outputs are compressed once, at start, next to the originals (`.br`, `.gz`), so
//! each request is served a ready file instead of compressing a megabyte of WASM again.

use std::{
    fs,
    io::Write,
    path::{Path, PathBuf},
};

const COMPRESSIBLE: &[&str] = &[
    "wasm",
    "js",
    "css",
    "html",
    "svg",
    "json",
    "webmanifest",
    "txt",
];

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else if p
            .extension()
            .and_then(|x| x.to_str())
            .is_some_and(|x| COMPRESSIBLE.contains(&x))
        {
            out.push(p);
        }
    }
}

fn is_fresh(original: &Path, compressed: &Path) -> bool {
    let modified = |p: &Path| fs::metadata(p).and_then(|m| m.modified()).ok();
    matches!((modified(original), modified(compressed)), (Some(o), Some(c)) if c >= o)
}

fn with_suffix(p: &Path, suffix: &str) -> PathBuf {
    let mut s = p.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

pub fn brotli(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() / 3);
    {
        let mut w = brotli::CompressorWriter::new(&mut out, 64 * 1024, 11, 22);
        let _ = w.write_all(data);
    }
    out
}

pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut w = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let _ = w.write_all(data);
    w.finish().unwrap_or_default()
}

/// Writes `x.br` and `x.gz` beside every compressible file under `site_root` that lacks
/// an up-to-date one. Failures only cost compression, so they are logged, not fatal.
pub fn precompress(site_root: &Path) {
    let mut all = Vec::new();
    files(site_root, &mut all);
    for f in all {
        let br = with_suffix(&f, ".br");
        let gz = with_suffix(&f, ".gz");
        if is_fresh(&f, &br) && is_fresh(&f, &gz) {
            continue;
        }
        let Ok(data) = fs::read(&f) else { continue };
        for (path, bytes) in [(br, brotli(&data)), (gz, gzip(&data))] {
            if let Err(e) = fs::write(&path, bytes) {
                tracing::warn!(file = %path.display(), error = %e, "cannot write a compressed copy");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn compressed_copies_are_written_and_smaller() {
        let dir = std::env::temp_dir().join(format!("fc-assets-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("pkg")).unwrap();
        let text = "fn main() { println!(\"hello\"); }\n".repeat(200);
        std::fs::write(dir.join("pkg/app.js"), &text).unwrap();
        std::fs::write(dir.join("pkg/photo.png"), [0u8; 10]).unwrap();
        super::precompress(&dir);
        let br = std::fs::read(dir.join("pkg/app.js.br")).unwrap();
        let gz = std::fs::read(dir.join("pkg/app.js.gz")).unwrap();
        assert!(br.len() < text.len() / 10 && gz.len() < text.len() / 5);
        assert!(!dir.join("pkg/photo.png.br").exists());
        std::fs::remove_dir_all(dir).unwrap();
    }
}
