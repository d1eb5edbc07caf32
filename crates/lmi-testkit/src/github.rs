//! A GitHub repository as GitHub serves it: the REST tree API
//! (`/github/repos/{owner}/{repo}/git/trees/{ref}[?recursive=1]`, entries with git blob ids) and
//! raw files (`/ons/{owner}/{repo}/{ref}/{path}`, the raw file host). The ELS data repository
//! ([`crate::els`]) and DfE's dashboard repositories ([`DfeRepos`]) are served through it.
//!
//! DfE's repositories hold what the emulator has of the real files under the data dir:
//! - `dfe-analytical-services/lsip_dashboard`: the Skills Imperative 2035 workbooks under
//!   [`SKILLS_FOLDER`] with their real names (`LA_LSIP_MainTables.Main.xlsm`, Lancashire, and
//!   `EN_MainTables.Main.xlsm`, England: byte copies of the real files, or the synthetic sample
//!   workbooks), beside a few small files of the real repository's layout; and, at the older
//!   commit [`SSA_COMMIT`], DfE's part-year file of FE achievements by subject area [`SSA_PATH`].
//! - `dfe-analytical-services/apprenticeships-provider-dashboard`: [`FLOWS_PATH`], a Parquet file
//!   in DfE's schema (`year, provider_name, learner_home_lad, delivery_lad` as strings, `starts,
//!   enrolments, achievements` as INT32, as read from the real file at 7be5c078) made from the
//!   summed CSV under the data dir ([`flows_parquet`]: district names and counts copied; one
//!   synthetic provider per row, since the CSV is already summed over providers).

use crate::{Etag, FileReply, Reply};
use serde_json::{Value, json};
use sha1::Sha1;
use sha2::Digest;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

pub const DFE_OWNER: &str = "dfe-analytical-services";
pub const LSIP_REPO: &str = "lsip_dashboard";
pub const DFE_BRANCH: &str = "main";
pub const APPRENTICESHIPS_REPO: &str = "apprenticeships-provider-dashboard";
/// The file of home x delivery districts in [`APPRENTICESHIPS_REPO`].
pub const FLOWS_PATH: &str = "data/lad_map_data_0.parquet";
/// The summed CSV under the data dir the emulated parquet is made from.
pub const FLOWS_CSV: &str = "dfe/apprenticeships_home_to_delivery_lad23_2223_2526.csv";
/// The provider every emulated row is labelled with.
pub const SUMMED_PROVIDER: &str = "ALL PROVIDERS (summed; lmi test emulator)";

/// DfE's `lad_map_data_0.parquet` layout of the summed home x delivery CSV: names as in the CSV,
/// counts copied.
pub fn flows_parquet(csv: &[u8]) -> Vec<u8> {
    use crate::parquet::{Column, write};
    let (header, rows) = crate::read_csv(csv);
    let at = |c: &str| {
        header
            .iter()
            .position(|h| h == c)
            .unwrap_or_else(|| panic!("{FLOWS_CSV} without {c}"))
    };
    let text = |c: &str| Column::Utf8(rows.iter().map(|r| r[at(c)].clone()).collect());
    let count = |c: &str| {
        Column::Int32(
            rows.iter()
                .map(|r| {
                    r[at(c)]
                        .parse()
                        .unwrap_or_else(|_| panic!("{c}: {}", r[at(c)]))
                })
                .collect(),
        )
    };
    write(&[
        ("year", text("year")),
        (
            "provider_name",
            Column::Utf8(vec![SUMMED_PROVIDER.to_owned(); rows.len()]),
        ),
        ("learner_home_lad", text("learner_home_lad_name")),
        ("delivery_lad", text("delivery_lad_name")),
        ("starts", count("starts")),
        ("enrolments", count("enrolments")),
        ("achievements", count("achievements")),
    ])
}

/// DfE's repositories served (a fault can target each by name, [`crate::Target::Repository`]).
pub const REPOSITORIES: [&str; 2] = [LSIP_REPO, APPRENTICESHIPS_REPO];
/// The commit of `lsip_dashboard` that holds DfE's Aug-Apr 2021/22 file of FE aim achievements by
/// sector subject area (no branch's tip holds it any more).
pub const SSA_COMMIT: &str = "5bb53083dfabe061d97af1ffee4177d4494b3fbf";
/// That file's path at [`SSA_COMMIT`].
pub const SSA_PATH: &str = "Data/5_ILRachSSA/FEAchSSAAug21-Apr22.csv";
/// The file under the data dir served at [`SSA_PATH`].
pub const SSA_CSV: &str = "dfe/fe_et_aim_achievements_ssa_lad_202122_aug_apr.csv";

/// The folder of the Skills Imperative workbooks in `lsip_dashboard` (at ace69761, 2026-03-03).
pub const SKILLS_FOLDER: &str = "Data/2-13_skillsImperative2035";
/// (file under the data dir, its name in [`SKILLS_FOLDER`]).
pub const SKILLS_WORKBOOKS: [(&str, &str); 2] = [
    (
        "projections/skills_imperative_2035_lancashire_lsip_main.xlsm",
        "LA_LSIP_MainTables.Main.xlsm",
    ),
    (
        "projections/skills_imperative_2035_england_main.xlsm",
        "EN_MainTables.Main.xlsm",
    ),
];

/// Git's blob id: SHA-1 of `blob <size>\0<content>`.
pub(crate) fn blob_sha(content: &[u8]) -> String {
    let mut h = Sha1::new();
    h.update(format!("blob {}\0", content.len()).as_bytes());
    h.update(content);
    hex::encode(h.finalize())
}

/// One repository at the tip of its branch: path -> content.
pub(crate) struct GitRepo {
    pub(crate) owner: &'static str,
    pub(crate) name: &'static str,
    pub(crate) branch: &'static str,
    pub(crate) files: BTreeMap<String, Arc<Vec<u8>>>,
}

impl GitRepo {
    pub(crate) fn new(owner: &'static str, name: &'static str, branch: &'static str) -> GitRepo {
        GitRepo {
            owner,
            name,
            branch,
            files: BTreeMap::new(),
        }
    }

    pub(crate) fn add(&mut self, path: impl Into<String>, bytes: Vec<u8>) {
        self.files.insert(path.into(), Arc::new(bytes));
    }

    fn full_name(&self) -> String {
        format!("{}/{}", self.owner, self.name)
    }

    /// Whether `path` (a tree or raw-file request) names this repository at a reference it holds:
    /// two emulated commits of one repository each answer for their own.
    fn holds(&self, path: &str) -> bool {
        let repo = self.full_name();
        let reference = match path.strip_prefix("/github/repos/") {
            Some(rest) => rest
                .strip_prefix(&repo)
                .and_then(|r| r.strip_prefix("/git/trees/")),
            None => path
                .strip_prefix("/ons/")
                .and_then(|r| r.strip_prefix(&repo))
                .and_then(|r| r.strip_prefix('/'))
                .and_then(|r| r.split_once('/'))
                .map(|(reference, _)| reference),
        };
        reference.is_some_and(|r| r == self.branch || r == self.root_sha())
    }

    /// (path, is a tree, sha, size) in git's recursive order.
    fn entries(&self) -> Vec<(String, bool, String, usize)> {
        let mut dirs: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut out = Vec::new();
        for (path, bytes) in &self.files {
            let sha = blob_sha(bytes);
            let mut at = 0;
            while let Some(i) = path[at..].find('/') {
                let dir = &path[..at + i];
                dirs.entry(dir.to_owned())
                    .or_default()
                    .push(format!("{path} {sha}"));
                at += i + 1;
            }
            out.push((path.clone(), false, sha, bytes.len()));
        }
        for (dir, children) in dirs {
            // Not git's tree hash: a SHA-1 over the listing, which changes when the content does.
            let sha = hex::encode(Sha1::digest(children.join("\n").as_bytes()));
            out.push((dir, true, sha, 0));
        }
        // Git lists a tree as if its name ended in '/', its children after it.
        out.sort_by_key(|(p, tree, _, _)| if *tree { format!("{p}/") } else { p.clone() });
        out
    }

    pub(crate) fn root_sha(&self) -> String {
        let listing: Vec<String> = self
            .entries()
            .into_iter()
            .map(|(p, _, sha, _)| format!("{p} {sha}"))
            .collect();
        hex::encode(Sha1::digest(listing.join("\n").as_bytes()))
    }

    /// The answer to a request for this repository, or `None` when the path is another one's.
    pub(crate) fn respond(
        &self,
        github: &str,
        path: &str,
        q: &HashMap<String, String>,
    ) -> Option<Reply> {
        let repo = self.full_name();
        if let Some(rest) = path.strip_prefix("/github/repos/") {
            let rest = rest
                .strip_prefix(&repo)
                .filter(|r| r.is_empty() || r.starts_with('/'))?;
            let not_found = Reply::Json {
                status: 404,
                body: json!({
                    "message": "Not Found",
                    "documentation_url": "https://docs.github.com/rest/git/trees#get-a-tree",
                    "status": "404",
                }),
                weak_etag: true,
            };
            let Some(reference) = rest.strip_prefix("/git/trees/") else {
                return Some(not_found);
            };
            let root = self.root_sha();
            if reference != self.branch && reference != root {
                return Some(not_found);
            }
            let recursive = q.contains_key("recursive");
            let api = format!("{github}/repos/{repo}/git");
            let tree: Vec<Value> = self
                .entries()
                .into_iter()
                .filter(|(p, _, _, _)| recursive || !p.contains('/'))
                .map(|(p, is_tree, sha, size)| {
                    if is_tree {
                        json!({ "path": p, "mode": "040000", "type": "tree", "sha": sha, "url": format!("{api}/trees/{sha}") })
                    } else {
                        json!({ "path": p, "mode": "100644", "type": "blob", "sha": sha, "size": size, "url": format!("{api}/blobs/{sha}") })
                    }
                })
                .collect();
            return Some(Reply::Json {
                status: 200,
                body: json!({ "sha": root, "url": format!("{api}/trees/{root}"), "tree": tree, "truncated": false }),
                weak_etag: true,
            });
        }
        let rest = path
            .strip_prefix("/ons/")?
            .strip_prefix(&repo)?
            .strip_prefix('/')?;
        let file = rest
            .split_once('/')
            .filter(|(reference, _)| *reference == self.branch || *reference == self.root_sha())
            // The raw host decodes the path (`old%20outputs/…`).
            .and_then(|(_, file)| self.files.get(&crate::percent_decode(file)));
        Some(match file {
            Some(bytes) => {
                let text = !bytes.starts_with(b"PK\x03\x04") && !bytes.starts_with(b"PAR1");
                Reply::File(FileReply {
                    body: bytes.as_ref().clone(),
                    // As raw.githubusercontent.com: text as text/plain, the rest as octet-stream.
                    content_type: if text {
                        "text/plain; charset=utf-8"
                    } else {
                        "application/octet-stream"
                    },
                    etag: Etag::Strong,
                    last_modified: crate::last_modified(),
                    attachment: None,
                    cache_control: Some("max-age=300"),
                    gzip: text,
                })
            }
            None => Reply::text(404, "404: Not Found"),
        })
    }
}

/// DfE's dashboard repositories.
pub(crate) struct DfeRepos {
    repos: Vec<GitRepo>,
}

impl DfeRepos {
    pub(crate) fn load(dir: &Path) -> DfeRepos {
        let mut lsip = GitRepo::new(DFE_OWNER, LSIP_REPO, DFE_BRANCH);
        for (file, name) in SKILLS_WORKBOOKS {
            lsip.add(format!("{SKILLS_FOLDER}/{name}"), crate::require(dir, file));
        }
        // Beside them, files of the real layout that no catalogue entry reads (synthetic).
        lsip.add(
            "README.md",
            b"# Local Skills Dashboard (emulated by lmi's tests)\n".to_vec(),
        );
        lsip.add(
            "Data/AppData/I_DataTable.csv",
            b"Dataset,Source\nSynthetic row written by the lmi test emulator,none\n".to_vec(),
        );
        lsip.add(
            "Data/2-12_OnsProf/README.md",
            b"Synthetic placeholder written by the lmi test emulator.\n".to_vec(),
        );
        let mut apprenticeships = GitRepo::new(DFE_OWNER, APPRENTICESHIPS_REPO, DFE_BRANCH);
        apprenticeships.add(FLOWS_PATH, flows_parquet(&crate::require(dir, FLOWS_CSV)));
        apprenticeships.add(
            "R/data-prep/create_data_files.R",
            b"# Synthetic placeholder written by the lmi test emulator.\n".to_vec(),
        );
        apprenticeships.add(
            "README.md",
            b"# Apprenticeships provider dashboard (emulated by lmi's tests)\n".to_vec(),
        );
        // The same repository at an older commit: the part-year file of FE achievements by sector
        // subject area (the sample's synthetic one, or a byte copy of the real file).
        let mut lsip_ssa = GitRepo::new(DFE_OWNER, LSIP_REPO, SSA_COMMIT);
        lsip_ssa.add(SSA_PATH, crate::require(dir, SSA_CSV));
        let mut repos = vec![lsip, apprenticeships, lsip_ssa];
        repos.extend(boundary_repos(dir));
        DfeRepos { repos }
    }

    pub(crate) fn respond(&self, github: &str, path: &str, q: &HashMap<String, String>) -> Reply {
        self.repos
            .iter()
            .find(|r| r.holds(path))
            .and_then(|r| r.respond(github, path, q))
            .or_else(|| self.repos.iter().find_map(|r| r.respond(github, path, q)))
            .unwrap_or_else(|| Reply::text(404, "404: Not Found"))
    }

    /// Replaces (or adds) a file; `None` deletes it.
    pub(crate) fn set_file(&mut self, repo: &str, path: &str, bytes: Option<Vec<u8>>) {
        let r = self
            .repos
            .iter_mut()
            .find(|r| r.name == repo)
            .unwrap_or_else(|| panic!("no emulated repository {repo}"));
        match bytes {
            Some(b) => r.add(path, b),
            None => {
                r.files.remove(path);
            }
        }
    }

    /// A file's content.
    pub(crate) fn file(&self, repo: &str, path: &str) -> Option<Vec<u8>> {
        self.repos
            .iter()
            .find(|r| r.name == repo)
            .and_then(|r| r.files.get(path))
            .map(|b| b.as_ref().clone())
    }
}

/// The boundary files (maps) at the commits the catalogue pins, each served when the data dir
/// has it (`boundaries/…`: the real files, or the sample's simplified ones):
/// (owner, repository, commit, path in the repository, file under the data dir).
pub const BOUNDARY_FILES: [(&str, &str, &str, &str, &str); 3] = [
    (
        "ONSdigital",
        "explore-local-statistics-app",
        "38d5affa47a4a4d0f2c9841692c60a0d33e65247",
        "src/lib/data/topo.json",
        "boundaries/els_uk_areas.topo.json",
    ),
    (
        "henryjameslau",
        "geoportal-boundaries-as-topojson",
        "215fdb7e9f1a70b44b8e57382537412bb6f2972f",
        "old outputs/Travel_to_Work_Areas_December_2011_UK_BUC_500_v2.json",
        "boundaries/ttwa11_uk_buc.topo.json",
    ),
    (
        DFE_OWNER,
        LSIP_REPO,
        "9ebf1e2f2917448b5ea06fb738e7456d30c7ed8b",
        "Data/1-8_LSIPBoundary/Local_Skills_Improvement_Plan_Areas_August_2023_Boundaries_EN_BUC_3253418784101487536.geojson",
        "boundaries/lsip23_en_buc.geojson",
    ),
];

fn boundary_repos(dir: &Path) -> Vec<GitRepo> {
    BOUNDARY_FILES
        .iter()
        .filter_map(|(owner, name, commit, path, file)| {
            let bytes = crate::read_data(dir, file)?;
            let mut repo = GitRepo::new(owner, name, commit);
            repo.add(*path, bytes);
            Some(repo)
        })
        .collect()
}

/// The boundary repository a tree or raw-file request names, if any (a fault can target each by
/// name, [`crate::Target::Repository`], apart from the ELS data repository's routes).
pub(crate) fn boundary_repository(path: &str) -> Option<&'static str> {
    BOUNDARY_FILES
        .iter()
        .find(|(owner, name, ..)| path.contains(&format!("/{owner}/{name}/")))
        .map(|(_, name, ..)| *name)
}
