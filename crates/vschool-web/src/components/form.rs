//! Form validation errors, in the order the fields appear: they feed both the error summary
//! at the top of the page (links to `#field-id`) and the message beside each field, and give
//! the page title its "Error: " prefix (GOV.UK pattern).

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldError {
    /// The id of the input the summary links to.
    pub field: String,
    pub message: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FormErrors {
    pub errors: Vec<FieldError>,
}

impl FormErrors {
    pub fn new() -> Self {
        FormErrors::default()
    }

    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        // One message per field: the first problem found is the one to fix first.
        if self.get(field).is_none() {
            self.errors.push(FieldError {
                field: field.to_string(),
                message: message.into(),
            });
        }
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// The message for a field, if it has one.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }

    /// "Error: " when there are errors, for the start of the page title.
    pub fn title_prefix(&self) -> &'static str {
        if self.is_empty() {
            ""
        } else {
            "Error: "
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_message_per_field_wins_and_order_is_kept() {
        let mut e = FormErrors::new();
        assert_eq!(e.title_prefix(), "");
        e.add("email", "Enter your email address");
        e.add("password", "Enter your password");
        e.add("email", "second");
        assert_eq!(e.errors.len(), 2);
        assert_eq!(e.get("email"), Some("Enter your email address"));
        assert_eq!(e.errors[1].field, "password");
        assert_eq!(e.title_prefix(), "Error: ");
    }
}
