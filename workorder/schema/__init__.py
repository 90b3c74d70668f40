"""strawberry types, inputs, enums, the Node interface and the assembled schema."""
