"""Sample district."""
