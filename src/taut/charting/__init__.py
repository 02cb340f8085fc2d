"""Treatment-session charting: the body chart, needling record, safety checks, signed notes."""
