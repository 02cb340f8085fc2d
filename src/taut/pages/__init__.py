"""Pages that show what several apps hold: the top layer, above the apps it reads.

A page that needs only its own app stays in that app's views. One that gathers records of
several (the patient page's pathway: screening, consent, appointments) or that shows one app's
rows behind another's access rules (the audit log behind the clinic's roles) lives here, so
the apps below never import each other in a circle (docs/architecture.md, "Layers").
"""
