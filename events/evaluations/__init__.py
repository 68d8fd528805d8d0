"""Course evaluations: invitations, the anonymous answer page, the reports."""
