{% snapshot snp_izin %}

{{
    config(
        unique_key='nomor_permohonan',
        strategy='timestamp',
        updated_at='_loaded_at',
        hard_deletes='ignore',
        post_hook=[
            'create index if not exists {{ this.name }}__kunci on {{ this }} (nomor_permohonan)',
            'create index if not exists {{ this.name }}__diperbarui on {{ this }} (dbt_updated_at)',
        ],
    )
}}

-- Every version of every permit application that successive exports brought: its stage over time.
-- Only applications with a version loaded since the last snapshot are read.

select * from {{ ref('stg_raw__izin') }}
{% if execute and load_relation(this) is not none %}
    where _loaded_at > (select coalesce(max(dbt_updated_at), '-infinity') from {{ this }})
{% endif %}

{% endsnapshot %}
