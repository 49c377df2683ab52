{% snapshot snp_aduan %}

{{
    config(
        unique_key='nomor_aduan',
        strategy='timestamp',
        updated_at='_loaded_at',
        hard_deletes='ignore',
        post_hook=[
            'create index if not exists {{ this.name }}__kunci on {{ this }} (nomor_aduan)',
            'create index if not exists {{ this.name }}__diperbarui on {{ this }} (dbt_updated_at)',
        ],
    )
}}

-- Every version of every complaint that successive exports brought: status and handling OPD over time.
-- Only complaints with a version loaded since the last snapshot are read (the timestamp strategy would
-- find nothing new in the others), so a daily run does not rescan the whole history.

select * from {{ ref('stg_raw__aduan') }}
{% if execute and load_relation(this) is not none %}
    where _loaded_at > (select coalesce(max(dbt_updated_at), '-infinity') from {{ this }})
{% endif %}

{% endsnapshot %}
