"""Work a server does on a clock: the scans that find what is due."""
