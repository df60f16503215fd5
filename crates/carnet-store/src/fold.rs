//! Accent and case folding for sort keys and filters, so "Élise" sorts with
//! "elise" and the commune filter "sainte-feyre" finds "Sainte-Feyre". The
//! full-text index folds on its own (FTS5 `remove_diacritics`).

/// Lower case without diacritics, for comparing names.
#[must_use]
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.trim().chars().flat_map(char::to_lowercase) {
        match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => out.push('a'),
            'ç' => out.push('c'),
            'è' | 'é' | 'ê' | 'ë' => out.push('e'),
            'ì' | 'í' | 'î' | 'ï' => out.push('i'),
            'ñ' => out.push('n'),
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' => out.push('o'),
            'ù' | 'ú' | 'û' | 'ü' => out.push('u'),
            'ý' | 'ÿ' => out.push('y'),
            'œ' => out.push_str("oe"),
            'æ' => out.push_str("ae"),
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::fold;

    #[test]
    fn folding_removes_case_and_french_accents() {
        for (input, folded) in [
            ("Hélène", "helene"),
            (" Œuvre ", "oeuvre"),
            ("FRANÇOIS", "francois"),
            ("Saint-Éloi", "saint-eloi"),
        ] {
            assert_eq!(fold(input), folded);
        }
    }
}
