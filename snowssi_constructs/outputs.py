"""What a stack outputs of each of its pipelines: the original module's outputs of the
pipeline's buckets, stages, stream and task, and of its optional pieces."""

from __future__ import annotations

from .naming import PipelinePrefix
from .pipeline import SnowSSIPipeline


def pipeline_outputs(pipeline: SnowSSIPipeline) -> list[tuple[str, str]]:
    """``pipeline``'s outputs as (name, value), in the order the stack declares them;
    a named pipeline's names start with its name (``orders_inbound_bucket_name``)."""
    outputs = [
        ("inbound_bucket_name", pipeline.inbound_bucket.bucket_name),
        ("inbound_bucket_arn", pipeline.inbound_bucket.bucket_arn),
        ("outbound_bucket_name", pipeline.outbound_bucket.bucket_name),
        ("outbound_bucket_arn", pipeline.outbound_bucket.bucket_arn),
        ("inbound_stage_fully_qualified_name", pipeline.inbound_stage.fully_qualified_name),
        ("outbound_stage_fully_qualified_name", pipeline.outbound_stage.fully_qualified_name),
        ("stream_name", pipeline.stream.name),
        ("stream_fully_qualified_name", pipeline.stream.fully_qualified_name),
        ("task_name", pipeline.task.name),
        ("task_fully_qualified_name", pipeline.task.fully_qualified_name),
    ]
    if pipeline.processed_files is not None:
        outputs.append(
            (
                "processed_files_table_fully_qualified_name",
                pipeline.processed_files.fully_qualified_name,
            )
        )
    if pipeline.stall_alert is not None:
        outputs.append(
            ("stall_alert_fully_qualified_name", pipeline.stall_alert.alert.fully_qualified_name)
        )
    prefix = PipelinePrefix(pipeline.pipeline_name).address
    return [(f"{prefix}{name}", value) for name, value in outputs]
