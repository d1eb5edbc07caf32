//! Accessibility for the SVG plotters writes: `role="img"`, `aria-labelledby`, and `<title>` and
//! `<desc>` as the root's first children, which its SVGBackend has no way to emit.

use crate::ChartError;

/// `svg` with the accessible name and description added to its root element, as elements
/// `{id_prefix}-title` and `{id_prefix}-desc` (ids unique within a document holding several
/// charts).
pub(crate) fn with_accessible_text(
    svg: &str,
    title: &str,
    description: &str,
    id_prefix: &str,
) -> Result<String, ChartError> {
    let (title_id, desc_id) = (
        xml_escape(&format!("{id_prefix}-title")),
        xml_escape(&format!("{id_prefix}-desc")),
    );
    let malformed = || ChartError::Draw("the SVG backend wrote no <svg> root element".to_string());
    let start = svg.find("<svg").ok_or_else(malformed)?;
    let end = start + svg[start..].find('>').ok_or_else(malformed)?;
    let (open_tag, rest) = (&svg[..end], &svg[end + 1..]);
    let open_tag = open_tag.trim_end_matches('/');
    let mut out = String::with_capacity(svg.len() + title.len() + description.len() + 160);
    out.push_str(open_tag);
    out.push_str(&format!(
        " role=\"img\" aria-labelledby=\"{title_id} {desc_id}\">\n<title id=\"{title_id}\">"
    ));
    out.push_str(&xml_escape(title));
    out.push_str(&format!("</title>\n<desc id=\"{desc_id}\">"));
    out.push_str(&xml_escape(description));
    out.push_str("</desc>");
    out.push_str(rest);
    Ok(out)
}

/// Text safe as XML character data and attribute values; control characters, which XML 1.0
/// does not allow, become spaces.
pub fn xml_escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '&' => escaped.push_str("&amp;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            c if c.is_control() => escaped.push(' '),
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_and_desc_become_the_first_children_of_the_root() {
        let svg = "<svg width=\"2\" xmlns=\"http://www.w3.org/2000/svg\">\n<rect/>\n</svg>\n";
        let out =
            with_accessible_text(svg, "Pay & <hours>", "Line \"chart\"\u{7}", "lmi-chart").unwrap();
        assert_eq!(
            out,
            "<svg width=\"2\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" \
             aria-labelledby=\"lmi-chart-title lmi-chart-desc\">\n\
             <title id=\"lmi-chart-title\">Pay &amp; &lt;hours&gt;</title>\n\
             <desc id=\"lmi-chart-desc\">Line &quot;chart&quot; </desc>\n<rect/>\n</svg>\n"
        );
    }

    #[test]
    fn an_svg_without_a_root_is_an_error() {
        assert!(with_accessible_text("<html>", "t", "d", "x").is_err());
    }
}
