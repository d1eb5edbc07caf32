//! The ONS website's dataset pages and file downloads (`/onsweb` here; `https://www.ons.gov.uk`
//! for real): the page of "Labour demand volumes by SOC 2020" ([`TEXTKERNEL_PAGE`]) links the
//! current edition's `labourdemandbyoccupation.xlsx` as `/file?uri={page}/{edition}/{file}`,
//! beside an earlier edition under `/previous/` and another file; `/file?uri=…` serves the
//! workbook. No real copy of the workbook exists in the shared data: it is read from
//! `ons/labourdemandbyoccupation.xlsx` under the data dir, else from the sample (synthetic, in the
//! layout DfE's code documents).

use crate::{Etag, FileReply, Reply, read_data};
use std::collections::HashMap;
use std::path::Path;

pub const TEXTKERNEL_PAGE: &str = "/employmentandlabourmarket/peopleinwork/employmentandemployeetypes/datasets/labourdemandvolumesbystandardoccupationclassificationsoc2020uk";
pub const TEXTKERNEL_FILE: &str = "labourdemandbyoccupation.xlsx";
pub const TEXTKERNEL_DATA: &str = "ons/labourdemandbyoccupation.xlsx";

pub(crate) struct OnsSite {
    edition: String,
    workbook: Vec<u8>,
}

impl OnsSite {
    pub(crate) fn load(dir: &Path) -> OnsSite {
        let workbook = read_data(dir, TEXTKERNEL_DATA)
            .unwrap_or_else(|| crate::require(&crate::sample_dir(), TEXTKERNEL_DATA));
        OnsSite {
            edition: "january2017todecember2025".into(),
            workbook,
        }
    }

    pub(crate) fn set_edition(&mut self, edition: &str) {
        self.edition = edition.to_owned();
    }

    fn uri(&self) -> String {
        format!("{TEXTKERNEL_PAGE}/{}/{TEXTKERNEL_FILE}", self.edition)
    }

    pub(crate) fn respond(&self, path: &str, q: &HashMap<String, String>) -> Reply {
        let path = path.strip_prefix("/onsweb").unwrap_or(path);
        if path == TEXTKERNEL_PAGE {
            let html = format!(
                "<!DOCTYPE html>\n<html lang=\"en\"><head><title>Labour demand volumes by Standard Occupational Classification (SOC 2020), UK - Office for National Statistics</title></head><body>\n\
                 <h1>Labour demand volumes by Standard Occupational Classification (SOC 2020), UK</h1>\n\
                 <p>Emulated page (lmi tests): the links are in the shape of ONS dataset pages.</p>\n\
                 <a href=\"/file?uri={}\" aria-label=\"Download Labour demand volumes xlsx (4.1 MB)\">xlsx (4.1 MB)</a>\n\
                 <h2>Previous versions</h2>\n\
                 <a href=\"/file?uri={TEXTKERNEL_PAGE}/previous/v3/{TEXTKERNEL_FILE}\">Version 3</a>\n\
                 <a href=\"/file?uri=/employmentandlabourmarket/peopleinwork/employmentandemployeetypes/datasets/labourdemandindicatorsbylocalauthority/current/labourdemandindicators.xlsx\">Related data</a>\n\
                 </body></html>\n",
                self.uri()
            );
            return Reply::File(FileReply {
                body: html.into_bytes(),
                content_type: "text/html; charset=utf-8",
                etag: Etag::Strong,
                last_modified: crate::last_modified(),
                attachment: None,
                cache_control: Some("public, max-age=60"),
                gzip: true,
            });
        }
        if path == "/file" {
            let uri = q.get("uri").cloned().unwrap_or_default();
            if uri == self.uri() {
                return Reply::File(FileReply {
                    body: self.workbook.clone(),
                    content_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    etag: Etag::Strong,
                    last_modified: crate::last_modified(),
                    attachment: Some(TEXTKERNEL_FILE.into()),
                    cache_control: Some("public, max-age=600"),
                    gzip: false,
                });
            }
        }
        Reply::text(404, "404 - Page not found")
    }
}
