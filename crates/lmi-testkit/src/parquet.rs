//! A minimal Apache Parquet writer (no dependency, no polars): one row group, one uncompressed
//! PLAIN data page (v1) per column, every column REQUIRED; strings as `BYTE_ARRAY` (UTF8), whole
//! numbers as `INT32`. Enough to serve a table in the layout a publisher writes with arrow
//! (DfE's `lad_map_data_0.parquet`); the footer is Thrift compact protocol as the format
//! specifies (`parquet.thrift`: FileMetaData, SchemaElement, RowGroup, ColumnChunk,
//! ColumnMetaData, PageHeader, DataPageHeader).

/// A column's values.
#[derive(Debug, Clone)]
pub enum Column {
    Utf8(Vec<String>),
    Int32(Vec<i32>),
}

impl Column {
    fn len(&self) -> usize {
        match self {
            Column::Utf8(v) => v.len(),
            Column::Int32(v) => v.len(),
        }
    }
}

/// Thrift compact protocol, as much as the footer needs.
#[derive(Default)]
struct Compact {
    out: Vec<u8>,
    last: Vec<i16>,
}

const I32: u8 = 5;
const I64: u8 = 6;
const BINARY: u8 = 8;
const LIST: u8 = 9;
const STRUCT: u8 = 12;

impl Compact {
    fn varint(&mut self, mut v: u64) {
        loop {
            let b = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                self.out.push(b);
                return;
            }
            self.out.push(b | 0x80);
        }
    }
    fn zigzag(&mut self, v: i64) {
        self.varint(((v << 1) ^ (v >> 63)) as u64);
    }
    fn field(&mut self, id: i16, kind: u8) {
        let last = self.last.last_mut().expect("in a struct");
        let delta = id - *last;
        *last = id;
        if (1..=15).contains(&delta) {
            self.out.push(((delta as u8) << 4) | kind);
        } else {
            self.out.push(kind);
            self.zigzag(i64::from(id));
        }
    }
    fn begin(&mut self) {
        self.last.push(0);
    }
    fn end(&mut self) {
        self.out.push(0);
        self.last.pop();
    }
    fn i32(&mut self, id: i16, v: i32) {
        self.field(id, I32);
        self.zigzag(i64::from(v));
    }
    fn i64(&mut self, id: i16, v: i64) {
        self.field(id, I64);
        self.zigzag(v);
    }
    fn string(&mut self, id: i16, s: &str) {
        self.field(id, BINARY);
        self.varint(s.len() as u64);
        self.out.extend_from_slice(s.as_bytes());
    }
    fn list_header(&mut self, id: i16, elem: u8, n: usize) {
        self.field(id, LIST);
        if n < 15 {
            self.out.push(((n as u8) << 4) | elem);
        } else {
            self.out.push(0xf0 | elem);
            self.varint(n as u64);
        }
    }
    /// A struct field: `body` writes its fields.
    fn strukt(&mut self, id: i16, body: impl FnOnce(&mut Compact)) {
        self.field(id, STRUCT);
        self.begin();
        body(self);
        self.end();
    }
    /// A list element that is a struct.
    fn element(&mut self, body: impl FnOnce(&mut Compact)) {
        self.begin();
        body(self);
        self.end();
    }
}

// parquet.thrift enum values.
const TYPE_INT32: i32 = 1;
const TYPE_BYTE_ARRAY: i32 = 6;
const REQUIRED: i32 = 0;
const CONVERTED_UTF8: i32 = 0;
const ENCODING_PLAIN: i32 = 0;
const ENCODING_RLE: i32 = 3;
const CODEC_UNCOMPRESSED: i32 = 0;
const PAGE_DATA: i32 = 0;

/// The bytes of a Parquet file holding `columns` (all the same length).
pub fn write(columns: &[(&str, Column)]) -> Vec<u8> {
    let rows = columns.first().map_or(0, |(_, c)| c.len());
    assert!(
        columns.iter().all(|(_, c)| c.len() == rows),
        "ragged columns"
    );
    let mut file = b"PAR1".to_vec();
    // (offset of the page header, page header + data size) per column.
    let mut chunks = Vec::new();
    for (_, column) in columns {
        let mut data = Vec::new();
        match column {
            Column::Utf8(v) => {
                for s in v {
                    data.extend_from_slice(&(s.len() as u32).to_le_bytes());
                    data.extend_from_slice(s.as_bytes());
                }
            }
            Column::Int32(v) => {
                for x in v {
                    data.extend_from_slice(&x.to_le_bytes());
                }
            }
        }
        let mut header = Compact::default();
        header.begin();
        header.i32(1, PAGE_DATA);
        header.i32(2, data.len() as i32);
        header.i32(3, data.len() as i32);
        header.strukt(5, |h| {
            h.i32(1, rows as i32);
            h.i32(2, ENCODING_PLAIN);
            h.i32(3, ENCODING_RLE);
            h.i32(4, ENCODING_RLE);
        });
        header.end();
        let offset = file.len() as i64;
        file.extend_from_slice(&header.out);
        file.extend_from_slice(&data);
        chunks.push((offset, (header.out.len() + data.len()) as i64));
    }
    let physical = |c: &Column| match c {
        Column::Utf8(_) => TYPE_BYTE_ARRAY,
        Column::Int32(_) => TYPE_INT32,
    };
    let mut meta = Compact::default();
    meta.begin();
    meta.i32(1, 1);
    meta.list_header(2, STRUCT, columns.len() + 1);
    meta.element(|m| {
        m.string(4, "schema");
        m.i32(5, columns.len() as i32);
    });
    for (name, column) in columns {
        meta.element(|m| {
            m.i32(1, physical(column));
            m.i32(3, REQUIRED);
            m.string(4, name);
            if matches!(column, Column::Utf8(_)) {
                m.i32(6, CONVERTED_UTF8);
            }
        });
    }
    meta.i64(3, rows as i64);
    meta.list_header(4, STRUCT, 1);
    let total: i64 = chunks.iter().map(|(_, size)| size).sum();
    meta.element(|m| {
        m.list_header(1, STRUCT, columns.len());
        for ((name, column), (offset, size)) in columns.iter().zip(&chunks) {
            m.element(|c| {
                c.i64(2, *offset);
                c.strukt(3, |md| {
                    md.i32(1, physical(column));
                    md.list_header(2, I32, 2);
                    md.zigzag(i64::from(ENCODING_PLAIN));
                    md.zigzag(i64::from(ENCODING_RLE));
                    md.list_header(3, BINARY, 1);
                    md.varint(name.len() as u64);
                    md.out.extend_from_slice(name.as_bytes());
                    md.i32(4, CODEC_UNCOMPRESSED);
                    md.i64(5, rows as i64);
                    md.i64(6, *size);
                    md.i64(7, *size);
                    md.i64(9, *offset);
                });
            });
        }
        m.i64(2, total);
        m.i64(3, rows as i64);
    });
    meta.string(
        6,
        "lmi-testkit parquet writer (synthetic container, values as given)",
    );
    meta.end();
    file.extend_from_slice(&meta.out);
    file.extend_from_slice(&(meta.out.len() as u32).to_le_bytes());
    file.extend_from_slice(b"PAR1");
    file
}
