"""One module per resource. Each defines `PREFIX` and `router`; `taut.api.v1` mounts them all, so a
new resource (for example /appointments) is one new module here."""
