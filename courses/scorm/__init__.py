"""SCORM 1.2 and 2004 packages as lessons (docs/scorm.md)."""
