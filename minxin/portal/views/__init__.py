"""The citizen portal's pages: public pages, submission, tracking."""
