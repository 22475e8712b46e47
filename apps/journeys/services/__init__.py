"""Writes on service-path maps and touchpoint ownership, one module per topic.

Every service runs in one transaction, locks the path it edits (so two managers
reordering the same map at once cannot interleave) and raises DomainError when a
rule is broken. Positions stay dense: 0..n-1 within a path's stages and within a
stage's touchpoints. The moved or edited object is saved (so the change appears
in its history with the acting user); siblings whose positions merely shift are
updated in bulk.
"""
