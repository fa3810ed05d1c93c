"""The trade: services, rules, validation, documents, imports and exports. No Qt."""
