"""Annotations in the viewer (issue 5): the UI model of the replica's annotations, the authoring tools,
their toolbar and the overlay that paints annotations on the pages."""
