//! Rows of equal width in replication order, read back a column at a time: every replication's
//! totals (or inputs), kept for the exact statistics of `summary.json`, `branches.csv` and the
//! paired comparisons.
//!
//! A small table lives in memory. One expected to exceed [`SPILL_BYTES`] keeps only its last
//! partial block of [`BLOCK_ROWS`] rows in memory and writes each full block to an unnamed
//! temporary file in the folder it is given (the run's output folder, or its nearest existing
//! parent, whose free space the run was checked against; the file has no name, so the system
//! removes it when the process ends, however it ends), column by column within the block, so
//! a column is read back as one contiguous run per block. So a million replications' rows
//! cost a block in memory, not the rows; reading a column costs that column. Values
//! round-trip bit for bit: a spilled table reads back exactly what an in-memory one holds.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::sync::Mutex;

/// Tables expected to hold more than this many bytes of rows spill full blocks to disk.
pub const SPILL_BYTES: usize = 16 << 20;

/// What failed when a spilled table cannot be read back.
pub const READ_BACK: &str = "cannot read the replications' rows back from their temporary file";

/// Rows per spilled block.
pub const BLOCK_ROWS: usize = 4_096;

/// Rows of equal width, in replication order.
#[derive(Debug, Default)]
pub struct Table {
    width: usize,
    /// Rows not yet in a spilled block, row after row.
    tail: Vec<f64>,
    /// Full blocks written so far, when this table spills.
    spill: Option<Spill>,
}

#[derive(Debug)]
struct Spill {
    file: Mutex<File>,
    /// Rows per block.
    block: usize,
    /// Full blocks in `file`.
    blocks: usize,
}

impl Table {
    /// A table of `width` columns for about `rows` rows: in memory if they fit in
    /// [`SPILL_BYTES`], else spilling blocks of [`BLOCK_ROWS`] rows to a file in `dir`.
    pub fn new(width: usize, rows: usize, dir: &Path) -> io::Result<Table> {
        if Table::would_spill(width, rows as u64) {
            Table::spilling(width, BLOCK_ROWS, dir)
        } else {
            Ok(Table {
                width,
                tail: Vec::with_capacity(width * rows),
                spill: None,
            })
        }
    }

    /// Whether [`Table::new`] spills a table of `width` columns for `rows` rows.
    pub fn would_spill(width: usize, rows: u64) -> bool {
        rows.saturating_mul(width as u64).saturating_mul(8) > SPILL_BYTES as u64
    }

    /// A table that writes every full block of `block` rows to a temporary file in `dir`.
    pub fn spilling(width: usize, block: usize, dir: &Path) -> io::Result<Table> {
        Ok(Table {
            width,
            tail: Vec::with_capacity(width * block),
            spill: Some(Spill {
                file: Mutex::new(tempfile::tempfile_in(dir)?),
                block: block.max(1),
                blocks: 0,
            }),
        })
    }

    pub fn width(&self) -> usize {
        self.width
    }

    /// Whether full blocks go to disk.
    pub fn spills(&self) -> bool {
        self.spill.is_some()
    }

    pub fn push(&mut self, row: &[f64]) -> io::Result<()> {
        debug_assert_eq!(row.len(), self.width);
        self.tail.extend_from_slice(row);
        let Some(spill) = &mut self.spill else {
            return Ok(());
        };
        if self.tail.len() < spill.block * self.width {
            return Ok(());
        }
        // The block column by column: column k is bytes [8·k·block, 8·(k + 1)·block).
        let mut bytes = Vec::with_capacity(8 * self.tail.len());
        for k in 0..self.width {
            for row in self.tail.chunks_exact(self.width) {
                bytes.extend_from_slice(&row[k].to_le_bytes());
            }
        }
        let file = spill.file.get_mut().unwrap_or_else(|e| e.into_inner());
        file.write_all(&bytes)?;
        spill.blocks += 1;
        self.tail.clear();
        Ok(())
    }

    pub fn len(&self) -> usize {
        let spilled = self.spill.as_ref().map_or(0, |s| s.blocks * s.block);
        spilled + self.tail.len().checked_div(self.width).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Column `k`, in replication order.
    pub fn column(&self, k: usize) -> io::Result<Vec<f64>> {
        let mut out = Vec::with_capacity(self.len());
        if let Some(s) = &self.spill {
            let mut file = s.file.lock().unwrap_or_else(|e| e.into_inner());
            let mut bytes = vec![0u8; 8 * s.block];
            for b in 0..s.blocks {
                let at = 8 * s.block * (b * self.width + k);
                file.seek(SeekFrom::Start(at as u64))?;
                file.read_exact(&mut bytes)?;
                out.extend(bytes.chunks_exact(8).map(le_f64));
            }
        }
        out.extend(self.tail.chunks_exact(self.width.max(1)).map(|row| row[k]));
        Ok(out)
    }

    /// Calls `f` with each row in order.
    pub fn for_each_row(&self, mut f: impl FnMut(&[f64]) -> io::Result<()>) -> io::Result<()> {
        if let Some(s) = &self.spill {
            let mut file = s.file.lock().unwrap_or_else(|e| e.into_inner());
            file.seek(SeekFrom::Start(0))?;
            let mut bytes = vec![0u8; 8 * s.block * self.width];
            let mut row = vec![0.0; self.width];
            for _ in 0..s.blocks {
                file.read_exact(&mut bytes)?;
                for r in 0..s.block {
                    for (k, v) in row.iter_mut().enumerate() {
                        let at = 8 * (k * s.block + r);
                        *v = le_f64(&bytes[at..at + 8]);
                    }
                    f(&row)?;
                }
            }
        }
        self.tail.chunks_exact(self.width.max(1)).try_for_each(f)
    }
}

fn le_f64(b: &[u8]) -> f64 {
    f64::from_le_bytes(b.try_into().expect("8 bytes"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(n: usize, width: usize) -> Vec<Vec<f64>> {
        // Values with every kind of bit pattern: negative zero, subnormals, NaN, infinities.
        let special = [
            -0.0,
            f64::MIN_POSITIVE / 3.0,
            f64::NAN,
            f64::INFINITY,
            -1e300,
        ];
        (0..n)
            .map(|r| {
                (0..width)
                    .map(|k| match (r * width + k) % 11 {
                        i @ 0..=4 => special[i],
                        _ => (r as f64 + 0.1) * (k as f64 - 2.5),
                    })
                    .collect()
            })
            .collect()
    }

    fn bits(v: &[f64]) -> Vec<u64> {
        v.iter().map(|x| x.to_bits()).collect()
    }

    /// A spilling table reads back every column and row bit for bit as an in-memory one, with
    /// no rows, part of a block, exactly full blocks and full blocks plus a tail.
    #[test]
    fn a_spilled_table_reads_back_what_was_pushed() {
        let tmp = std::env::temp_dir();
        for n in [0, 5, 14, 21, 23] {
            let data = rows(n, 3);
            let mut mem = Table::new(3, n, &tmp).unwrap();
            let mut disk = Table::spilling(3, 7, &tmp).unwrap();
            assert!(!mem.spills() && disk.spills());
            for row in &data {
                mem.push(row).unwrap();
                disk.push(row).unwrap();
            }
            assert_eq!((mem.len(), disk.len()), (n, n));
            for k in 0..3 {
                let want: Vec<f64> = data.iter().map(|r| r[k]).collect();
                assert_eq!(bits(&mem.column(k).unwrap()), bits(&want), "n={n} k={k}");
                assert_eq!(bits(&disk.column(k).unwrap()), bits(&want), "n={n} k={k}");
            }
            let mut seen = Vec::new();
            disk.for_each_row(|row| {
                seen.push(bits(row));
                Ok(())
            })
            .unwrap();
            let want: Vec<Vec<u64>> = data.iter().map(|r| bits(r)).collect();
            assert_eq!(seen, want, "n={n}");
        }
    }

    #[test]
    fn only_tables_beyond_the_threshold_spill() {
        let tmp = std::env::temp_dir();
        let width = 50;
        let fits = SPILL_BYTES / (8 * width);
        assert!(!Table::new(width, fits, &tmp).unwrap().spills());
        assert!(Table::new(width, fits + 1, &tmp).unwrap().spills());
        assert!(!Table::default().spills());
    }

    /// Memory held by a spilling table stays at one block however many rows it takes.
    #[test]
    fn a_spilling_table_holds_one_block_in_memory() {
        let tmp = std::env::temp_dir();
        let mut t = Table::spilling(4, 16, &tmp).unwrap();
        let row = [1.0, 2.0, 3.0, 4.0];
        for _ in 0..1_000 {
            t.push(&row).unwrap();
            assert!(t.tail.len() < 16 * 4);
        }
        assert_eq!(t.tail.capacity(), 16 * 4);
        assert_eq!(t.len(), 1_000);
        assert_eq!(t.column(2).unwrap(), vec![3.0; 1_000]);
    }

    /// The rows go to the folder given, not to `TMPDIR`: a folder that is not there fails at
    /// once, before any replication runs.
    #[test]
    fn a_spilling_table_writes_in_its_folder() {
        let dir = tempfile::tempdir().unwrap();
        let gone = dir.path().join("not-there");
        assert!(Table::spilling(2, 4, &gone).is_err());
        assert!(Table::new(2, SPILL_BYTES, &gone).is_err());
        assert!(
            Table::new(2, 10, &gone).is_ok(),
            "a small table needs no file"
        );
        let mut t = Table::spilling(2, 4, dir.path()).unwrap();
        (0..9).for_each(|i| t.push(&[i as f64, 0.0]).unwrap());
        assert_eq!(t.column(0).unwrap()[8], 8.0);
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            0,
            "the file has no name"
        );
    }
}
