"""CCTV: camera gaps at sensitive sites, camera placement, and the plan of a selection."""
