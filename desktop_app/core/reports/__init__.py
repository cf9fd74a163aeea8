"""The PDF response to an oversight inquiry: named values, evidence from the records, the letter, its use cases."""
