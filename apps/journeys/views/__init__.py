"""HTML pages of service paths: the list and map (views.paths), the one-page editor
(views.editor) and touchpoint ownership (views.ownership)."""
